#!/usr/bin/python
# -*- coding: utf-8 -*-
# The hotfix_facts module: each site's installed hotfixes (hotfix list --json, the site's
# registry) and the version each of their files has on disk now (hotfix version --json),
# as ansible_facts.  Read-only: it changes nothing and runs the same in check mode.
from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: hotfix_facts
short_description: Installed hotfixes and file versions of sites, as facts
version_added: "0.1.0"
description:
  - For each site, the hotfixes its registry lists as installed (C(hotfix list --json)) -
    id, revision, time, the manifest's SHA-256 and, per file, the version and SHA-256
    before and after the hotfix; and the version each of those files has on disk now
    (C(hotfix version --json)), so that a file changed since shows.
  - Sets the fact C(hotfix_sites), a dictionary keyed by site code. Changes nothing.
options:
  site:
    description:
      - The site root directories on the managed host (each holding C(site.xml)); a
        single path is a list of one.
    type: list
    elements: path
    required: true
  binary:
    description:
      - The hotfix program on the managed host, a path or a name looked up in C(PATH).
    type: str
    default: hotfix
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.facts
attributes:
  check_mode:
    support: full
  diff_mode:
    support: none
  facts:
    support: full
  platform:
    platforms: posix
seealso:
  - module: hotfix.hotfix.hotfix
author:
  - hotfix developers (@hotfix)
'''

EXAMPLES = r'''
- name: Read what the site has installed
  hotfix.hotfix.hotfix_facts:
    site: "{{ hotfix_site_root }}"

- name: Say whether KB936465 is installed
  ansible.builtin.debug:
    msg: "{{ 'KB936465' in ansible_facts.hotfix_sites[hotfix_site_code].hotfixes }}"
'''

RETURN = r'''
ansible_facts:
  description: The facts.
  returned: always
  type: complex
  contains:
    hotfix_sites:
      description: Per site code, the site's root, the ids of its installed hotfixes
        (C(hotfixes)), the registry's entries (C(installed), as urn:hotfix:list:1 with
        C(version), the file's version on disk now or null, added to each file) and
        C(files), each file a hotfix installed mapped to its version on disk now (null
        when it has none, with the reason in C(errors)).
      returned: always
      type: dict
      sample:
        CEN:
          root: /srv/sms/CEN
          hotfixes: [KB936465]
          installed:
            - hotfix: KB936465
              revision: 1
              time: "2026-12-01T10:00:00Z"
              manifest_sha256: 340e4a47bfe2fd7a4f276421fecc1439404a57f07477d0c025b885fa2239d93a
              files:
                - path: bin/i386/Basesvr.dll
                  old_version: 2.50.4253.3000
                  new_version: 2.50.4253.3102
                  version: 2.50.4253.3102
          files:
            bin/i386/Basesvr.dll: 2.50.4253.3102
          errors: {}
'''

import os

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.hotfix.hotfix.plugins.module_utils.hotfix_cli import (
    EXIT_OK, EXIT_UNUSABLE, error_msg, is_error_doc, run_json)


def fail(module, site, rc, doc, err, argv, what):
    module.fail_json(msg=error_msg(doc, rc) if is_error_doc(doc) else
                     '%s: hotfix %s exited %d' % (site, what, rc),
                     rc=rc, cmd=argv, stderr=err, report=doc)


def versions(module, site, root, paths):
    """{path: (version or None, error or None)} of the site's files, from hotfix version
    (exit 4 when some file has none: its entry says why)."""
    if not paths:
        return {}
    rc, doc, err, argv = run_json(module, ['version'] + [os.path.join(root, p) for p in paths])
    if rc not in (EXIT_OK, EXIT_UNUSABLE) or doc.get('schema') != 'urn:hotfix:version:1':
        fail(module, site, rc, doc, err, argv, 'version')
    rows = doc.get('files') or []
    if len(rows) != len(paths):
        module.fail_json(msg='%s: hotfix version reported %d files of %d'
                         % (site, len(rows), len(paths)), rc=rc, cmd=argv, report=doc)
    return dict((p, (r.get('file_version'), r.get('error'))) for p, r in zip(paths, rows))


def site_facts(module, site):
    rc, doc, err, argv = run_json(module, ['list', '--site', site])
    if rc != EXIT_OK or doc.get('schema') != 'urn:hotfix:list:1':
        fail(module, site, rc, doc, err, argv, 'list')
    installed = [e for e in doc.get('installed') or [] if isinstance(e, dict)]
    paths = []
    for entry in installed:
        for f in entry.get('files') or []:
            if f.get('path') not in paths:
                paths.append(f.get('path'))
    root = doc.get('root') or site
    now = versions(module, site, root, paths)
    for entry in installed:
        for f in entry.get('files') or []:
            f['version'] = now[f.get('path')][0]
    return doc.get('site') or site, {
        'root': root,
        'hotfixes': [e.get('hotfix') for e in installed],
        'installed': installed,
        'files': dict((p, now[p][0]) for p in paths),
        'errors': dict((p, now[p][1]) for p in paths if now[p][1]),
    }


def main():
    module = AnsibleModule(
        argument_spec=dict(
            site=dict(type='list', elements='path', required=True),
            binary=dict(type='str', default='hotfix'),
        ),
        supports_check_mode=True,
    )
    sites = {}
    for site in module.params['site']:
        code, facts = site_facts(module, site)
        sites[code] = facts
    module.exit_json(changed=False, ansible_facts={'hotfix_sites': sites})


if __name__ == '__main__':
    main()
