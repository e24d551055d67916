#!/usr/bin/python
# -*- coding: utf-8 -*-
# The hotfix module: apply (state=present) or roll back (state=absent) one hotfix on one
# site by running hotfix(1) with --json on the managed host.  It decides changed, the
# diff and the failure from hotfix's exit status and JSON document only (hotfix(1) EXIT
# STATUS and JSON), never from its text.
from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: hotfix
short_description: Apply or roll back a signed hotfix on a site with hotfix(1)
version_added: "0.1.0"
description:
  - Applies (I(state=present)) or rolls back (I(state=absent)) one hotfix on one site of
    the product by running C(hotfix apply --json) or C(hotfix rollback --json) on the
    managed host. hotfix verifies the manifest's signature, plans every file and swaps
    them in one crash-safe transaction; see hotfix(1).
  - In check mode, I(state=present) runs C(hotfix check --json), which changes nothing,
    and reports C(changed) when the plan has a file to install; I(state=absent) reads the
    site's registry (C(hotfix list --json)) and reports C(changed) when the hotfix is
    installed.
  - With C(--diff), each file the hotfix replaces (or a rollback restores) is shown with
    its old and its new version.
  - A second run reports C(changed=false) - hotfix's own "nothing to do" (exit 0, result
    C(current)) and "not installed" (exit 3, result C(not-installed)). A site whose
    service pack has no file set in the manifest (exit 3, result C(not-applicable)) is
    not a failure either, and nothing changes.
  - Every other exit status fails the task with a one-line C(msg) and hotfix's JSON in
    the result (C(result), C(failed_step), C(failed_file), C(undone), C(log), and the
    whole document as C(report)).
options:
  manifest:
    description:
      - The hotfix's manifest on the managed host (C(manifests/ID.xml), its signature
        C(ID.xml.p7s) beside it, the payload where the manifest's C(href) points).
      - Required for I(state=present). For I(state=absent) without I(id), the hotfix id
        is read from it with C(hotfix check --json), which verifies the signature first.
    type: path
  site:
    description:
      - The site's root directory on the managed host, the one holding C(site.xml)
        (C(hotfix_site_root) in the inventory that C(hotfix inventory) writes).
    type: path
    required: true
  state:
    description:
      - C(present) applies the hotfix (C(hotfix apply)); C(absent) rolls it back
        (C(hotfix rollback)).
    type: str
    choices: [present, absent]
    default: present
  id:
    description:
      - The hotfix id to roll back (for example C(KB936465)), for I(state=absent).
        Given, the manifest is not read.
    type: str
  trust:
    description:
      - The trust file (PEM CA certificates that may sign manifests) on the managed host,
        passed as C(--trust). Omitted, hotfix uses its default (hotfix(1) C(--trust)).
    type: path
  pe_trust:
    description:
      - The Authenticode trust file (PEM) on the managed host, passed as C(--pe-trust)
        to C(hotfix check) and C(hotfix apply). Omitted, hotfix uses its default. A
        hotfix binary without that option refuses it (exit 2, a failed task).
    type: path
  binary:
    description:
      - The hotfix program on the managed host, a path or a name looked up in C(PATH).
    type: str
    default: hotfix
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
attributes:
  check_mode:
    support: full
    details: I(state=present) runs C(hotfix check); I(state=absent) reads C(hotfix list)
      and cannot predict a rollback that would be refused (files changed since).
  diff_mode:
    support: full
  platform:
    platforms: posix
notes:
  - Run as root (or as the site's owner); hotfix takes the site's lock and refuses a
    site, a trust file or site commands others may write (hotfix(1) HOOKS, SIGNATURES).
  - One site per task. For a hierarchy, use the collection's playbooks, which apply
    parents first tier by tier with C(serial) and C(max_fail_percentage).
seealso:
  - module: hotfix.hotfix.hotfix_facts
author:
  - hotfix developers (@hotfix)
'''

EXAMPLES = r'''
- name: Apply KB936465 to the site
  hotfix.hotfix.hotfix:
    manifest: /var/lib/hotfix/packages/KB936465/manifests/KB936465.xml
    site: "{{ hotfix_site_root }}"
    trust: /etc/hotfix/trust.pem

- name: What would it change? (nothing changes; run with --check --diff)
  hotfix.hotfix.hotfix:
    manifest: /var/lib/hotfix/packages/KB936465/manifests/KB936465.xml
    site: /srv/sms/CEN
  check_mode: true
  register: plan

- name: Roll it back
  hotfix.hotfix.hotfix:
    id: KB936465
    site: /srv/sms/CEN
    state: absent
'''

RETURN = r'''
msg:
  description: What happened, on one line (on a failure, why and where).
  returned: always
  type: str
  sample: "CEN: KB936465 applied, 3 file(s) changed"
hotfix:
  description: The hotfix id.
  returned: always
  type: str
  sample: KB936465
site:
  description: The site's code (null when site.xml could not be read, or hotfix printed
    its error document, urn:hotfix:error:1, instead of a report).
  returned: when hotfix ran
  type: str
  sample: CEN
root:
  description: The site's root directory.
  returned: always
  type: str
  sample: /srv/sms/CEN
result:
  description:
    - The site's result word from hotfix's JSON. check - install, current, conflict,
      not-applicable, rehearsal-failed, error; apply - applied, current, conflict,
      not-applicable, failed, interrupted, busy, error; rollback - rolled-back,
      not-installed, conflict, failed, interrupted, busy, error. In check mode for
      I(state=absent), installed or not-installed. Null when hotfix printed its error
      document instead of a report.
  returned: when hotfix ran
  type: str
  sample: applied
files:
  description:
    - The plan, one entry per file (path, action, installed_version, target_version,
      size, sha256, reason) for I(state=present); for I(state=absent) when the registry
      was read (check or diff mode), the registry's files (path, old_version,
      old_sha256, new_version, new_sha256).
  returned: when hotfix ran
  type: list
  elements: dict
failed_step:
  description: The transaction step it failed at (for example swap, backup, health,
    commit), or null.
  returned: when hotfix ran apply or rollback
  type: str
  sample: swap
failed_file:
  description: The file it failed on, or null.
  returned: when hotfix ran apply or rollback
  type: str
  sample: bin/i386/Baseutil.dll
undone:
  description: Whether a failed transaction was undone (the site is as before).
  returned: when hotfix ran apply or rollback
  type: bool
log:
  description: The site's log of this hotfix, or null.
  returned: when hotfix ran apply or rollback
  type: str
  sample: /srv/sms/CEN/.hotfix/log/KB936465.log
report:
  description: hotfix's whole JSON document (urn:hotfix:check:1, apply:1, rollback:1,
    list:1, or urn:hotfix:error:1 for a failure without a report).
  returned: always
  type: dict
rc:
  description: hotfix's exit status (hotfix(1) EXIT STATUS); 3 (not applicable, not
    installed) is no failure.
  returned: always
  type: int
  sample: 0
cmd:
  description: The command line that ran.
  returned: always
  type: list
  elements: str
stderr:
  description: hotfix's messages (standard error).
  returned: always
  type: str
'''

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.hotfix.hotfix.plugins.module_utils.hotfix_cli import (
    EXIT_OK, EXIT_NOT_APPLICABLE, error_msg, is_error_doc, one_line, run_json)


# The result keys of a run that has no site object (hotfix's error document).
NO_SITE = {'site': None, 'result': None, 'failed_step': None, 'failed_file': None,
           'undone': None, 'log': None, 'files': []}


def site_object(module, doc, common):
    """sites[0] of a check, apply or rollback document; fails the module when hotfix
    printed an error document or a report without a site."""
    if is_error_doc(doc):
        module.fail_json(msg=error_msg(doc, common['rc']), **common)
    sites = doc.get('sites')
    if not isinstance(sites, list) or not sites or not isinstance(sites[0], dict):
        module.fail_json(msg='%s: hotfix printed a %s document without a site'
                         % (module.params['site'], doc.get('schema')), **common)
    return sites[0]


def file_diff(site, path, before, after):
    return {'before_header': '%s: %s' % (site, path), 'after_header': '%s: %s' % (site, path),
            'before': 'version %s\n' % before, 'after': 'version %s\n' % after}


def outcome(s):
    """The result keys every run of apply or rollback returns."""
    return {'site': s.get('site'), 'result': s.get('result'),
            'failed_step': s.get('failed_step'), 'failed_file': s.get('failed_file'),
            'undone': s.get('undone'), 'log': s.get('log')}


def failure_msg(s, verb, hid, rc):
    """One line: hotfix's error, and what it does not say of the step and file it failed
    at, whether it was undone, and the site's log."""
    who = s.get('site') or s.get('root') or ''
    error = s.get('error') or ('%s: hotfix %s %s exited %d (%s)'
                               % (who, verb, hid or '', rc, s.get('result')))
    parts = [error]
    step, path = s.get('failed_step'), s.get('failed_file')
    if step and ("step '%s'" % step not in error or (path and path not in error)):
        parts.append("failed at step '%s'%s" % (step, ' on %s' % path if path else ''))
    if s.get('undone') and 'undone' not in error:
        parts.append('undone: the site is as before')
    if s.get('log') and s['log'] not in error:
        parts.append('log: %s' % s['log'])
    return one_line('; '.join(parts))


def present(module, site, trust, pe_trust):
    verb = 'check' if module.check_mode else 'apply'
    rc, doc, err, argv = run_json(module, [verb, module.params['manifest'], '--site', site]
                                  + trust + pe_trust)
    common = dict(NO_SITE, rc=rc, cmd=argv, stderr=err, report=doc, root=site,
                  hotfix=doc.get('hotfix'))
    s = site_object(module, doc, common)
    files = s.get('files') or []
    common.update(outcome(s))
    common['files'] = files
    hid = doc.get('hotfix')
    if rc not in (EXIT_OK, EXIT_NOT_APPLICABLE):
        module.fail_json(msg=failure_msg(s, verb, hid, rc), **common)
    if module.check_mode:
        todo = [f for f in files if f.get('action') == 'install']
        changed = bool(todo)
        msg = ('%s: %s would install %d file(s)' % (s.get('site'), hid, len(todo)) if changed
               else '%s: %s: nothing to do (%s)' % (s.get('site'), hid, s.get('result')))
    else:
        changed = (s.get('changed') or 0) > 0
        todo = [f for f in files if f.get('action') == 'install'] if changed else []
        msg = ('%s: %s applied, %d file(s) changed' % (s.get('site'), hid, s.get('changed'))
               if changed else '%s: %s: nothing to do (%s)' % (s.get('site'), hid, s.get('result')))
    if s.get('error') and not changed:
        msg = one_line(s['error'])
    diff = [file_diff(s.get('site'), f.get('path'), f.get('installed_version'),
                      f.get('target_version')) for f in todo]
    module.exit_json(failed=False, changed=changed, msg=msg, diff=diff, **common)


def hotfix_id(module, site, trust, pe_trust):
    """The id option, or the id of the manifest as hotfix check reads it (signature
    verified)."""
    if module.params['id']:
        return module.params['id']
    rc, doc, err, argv = run_json(module, ['check', module.params['manifest'], '--site', site]
                                  + trust + pe_trust)
    if is_error_doc(doc) or not doc.get('hotfix'):
        module.fail_json(msg=error_msg(doc, rc) if is_error_doc(doc) else
                         '%s: hotfix check read no hotfix id from %s'
                         % (site, module.params['manifest']),
                         **dict(NO_SITE, rc=rc, cmd=argv, stderr=err, report=doc, root=site))
    return doc['hotfix']


def registry_entry(module, site, hid):
    """(entry of hid in the site's registry or None, the list document)."""
    rc, doc, err, argv = run_json(module, ['list', '--site', site])
    if rc != EXIT_OK or is_error_doc(doc):
        module.fail_json(msg=error_msg(doc, rc) if is_error_doc(doc) else
                         '%s: hotfix list exited %d' % (site, rc),
                         **dict(NO_SITE, rc=rc, cmd=argv, stderr=err, report=doc, root=site,
                                hotfix=hid))
    for entry in doc.get('installed') or []:
        if isinstance(entry, dict) and entry.get('hotfix') == hid:
            return entry, (rc, doc, err, argv)
    return None, (rc, doc, err, argv)


def restore_diff(site, entry):
    return [file_diff(site, f.get('path'), f.get('new_version'), f.get('old_version'))
            for f in (entry or {}).get('files') or []]


def absent(module, site, trust, pe_trust):
    hid = hotfix_id(module, site, trust, pe_trust)
    entry = None
    if module.check_mode or module._diff:
        entry, listed = registry_entry(module, site, hid)
    if module.check_mode:
        rc, doc, err, argv = listed
        code = doc.get('site')
        module.exit_json(failed=False, changed=entry is not None, hotfix=hid, site=code, root=site,
                         result='installed' if entry else 'not-installed',
                         files=(entry or {}).get('files') or [],
                         msg=('%s: %s would be rolled back' % (code, hid) if entry
                              else '%s: %s is not installed; nothing to do' % (code, hid)),
                         diff=restore_diff(code, entry), rc=rc, cmd=argv, stderr=err,
                         report=doc)
    rc, doc, err, argv = run_json(module, ['rollback', hid, '--site', site] + trust)
    common = dict(NO_SITE, rc=rc, cmd=argv, stderr=err, report=doc, root=site, hotfix=hid)
    s = site_object(module, doc, common)
    common.update(outcome(s))
    common['files'] = (entry or {}).get('files') or []
    if rc not in (EXIT_OK, EXIT_NOT_APPLICABLE) or s.get('result') not in ('rolled-back',
                                                                           'not-installed'):
        module.fail_json(msg=failure_msg(s, 'rollback', hid, rc), **common)
    changed = (s.get('changed') or 0) > 0
    msg = ('%s: %s rolled back, %d file(s) restored' % (s.get('site'), hid, s.get('changed'))
           if changed else one_line(s.get('error') or '%s: nothing to do' % s.get('site')))
    module.exit_json(failed=False, changed=changed, msg=msg,
                     diff=restore_diff(s.get('site'), entry) if changed else [], **common)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            manifest=dict(type='path'),
            site=dict(type='path', required=True),
            state=dict(type='str', default='present', choices=['present', 'absent']),
            id=dict(type='str'),
            trust=dict(type='path'),
            pe_trust=dict(type='path'),
            binary=dict(type='str', default='hotfix'),
        ),
        required_if=[('state', 'present', ('manifest',)),
                     ('state', 'absent', ('id', 'manifest'), True)],
        supports_check_mode=True,
    )
    site = module.params['site']
    trust = ['--trust', module.params['trust']] if module.params['trust'] else []
    pe_trust = ['--pe-trust', module.params['pe_trust']] if module.params['pe_trust'] else []
    if module.params['state'] == 'present':
        present(module, site, trust, pe_trust)
    else:
        absent(module, site, trust, pe_trust)


if __name__ == '__main__':
    main()
