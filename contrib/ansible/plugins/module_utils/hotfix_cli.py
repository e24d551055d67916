# -*- coding: utf-8 -*-
# hotfix_cli: run the hotfix binary on the managed host and read its one JSON document.
# Shared by the hotfix and hotfix_facts modules.  Only --json output is read, never the
# text: hotfix(1) JSON promises exactly one document on standard output whatever happens
# (the command's report, or urn:hotfix:error:1 for a failure without one).
from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json

# hotfix(1) EXIT STATUS
EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_NOT_APPLICABLE = 3
EXIT_UNUSABLE = 4
EXIT_BUSY = 5


def hotfix_argv(module, words):
    """The argv that runs hotfix WORDS...: the binary option, resolved on PATH when it
    names no directory, then the words."""
    binary = module.params['binary']
    if '/' not in binary:
        binary = module.get_bin_path(binary, required=True)
    return [binary] + list(words)


def one_line(text):
    """TEXT on one line (hotfix's messages may quote output that has newlines)."""
    return ' '.join(str(text).split())


def run_json(module, words):
    """Run hotfix WORDS... --json; return (rc, document, stderr, argv).  A run whose
    standard output is not one JSON object fails the module with the exit status and the
    first line of standard error (a crash, a missing binary, an older hotfix)."""
    argv = hotfix_argv(module, list(words) + ['--json'])
    rc, out, err = module.run_command(argv)
    try:
        doc = json.loads(out)
    except ValueError:
        doc = None
    if not isinstance(doc, dict) or not isinstance(doc.get('schema'), str):
        first = err.strip().splitlines()[0] if err.strip() else 'no message'
        module.fail_json(msg='%s exited %d without a JSON document: %s'
                         % (' '.join(argv[:2]), rc, one_line(first)),
                         rc=rc, cmd=argv, stdout=out, stderr=err)
    return rc, doc, err, argv


def error_msg(doc, rc):
    """A one-line message for urn:hotfix:error:1 (its message and hint)."""
    msg = doc.get('message') or doc.get('error') or 'exit status %d' % rc
    if doc.get('hint'):
        msg = '%s (hint: %s)' % (msg, doc['hint'])
    return one_line(msg)


def is_error_doc(doc):
    return doc.get('schema') == 'urn:hotfix:error:1'
