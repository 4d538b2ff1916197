#!/usr/bin/env python3
"""
NAME
    valgrind_e2e - the end-to-end Postfix tests with every rdns-milter
    under valgrind memcheck

SYNOPSIS
    valgrind_e2e.py --milter BUILD/rdns-milter

DESCRIPTION
    Runs tests/e2e/test_e2e.py --mta postfix unchanged, but hands it a
    wrapper as the milter binary: a script that execs
    `valgrind --leak-check=full --error-exitcode=99
    --errors-for-leak-kinds=definite,indirect ... rdns-milter "$@"`, so each
    of the suite's three milters (reject stages rcpt, helo, connect) runs
    under memcheck through every scenario: good, refused, forged headers,
    whitelisted, authenticated, postmaster, two messages in one
    connection, a DNS server that never answers, local submission.

    Passes when the suite passes (its teardown already fails on a milter
    that exits non-zero on SIGTERM, as memcheck's 99 would be) and every
    valgrind report says "ERROR SUMMARY: 0 errors" with nothing definitely
    or indirectly lost.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
from loadrun import VALGRIND        # noqa: E402  (one set of valgrind options)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--milter", required=True)
    a = p.parse_args()
    milter = os.path.abspath(a.milter)
    if not shutil.which("valgrind"):
        print("valgrind is not installed (scripts/deps.sh test)", file=sys.stderr)
        return 1
    work = tempfile.mkdtemp(prefix="rdns-vg-e2e-")
    os.chmod(work, 0o755)
    wrapper = os.path.join(work, "rdns-milter")
    with open(wrapper, "w") as f:
        f.write("#!/bin/sh\nexec %s --log-file=%s/valgrind.%%p.log %s \"$@\"\n"
                % (" ".join(VALGRIND), work, milter))
    os.chmod(wrapper, 0o755)
    r = subprocess.run([sys.executable, os.path.join(TOP, "tests", "e2e", "test_e2e.py"),
                        "--mta", "postfix", "--milter", wrapper])
    problems = [] if r.returncode == 0 else ["e2e suite under valgrind: exit %d" % r.returncode]
    reports = sorted(f for f in os.listdir(work) if f.startswith("valgrind."))
    if len(reports) < 3:
        problems.append("want 3 valgrind reports (one per milter), found %d" % len(reports))
    for name in reports:
        with open(os.path.join(work, name), errors="replace") as f:
            text = f.read()
        summary = re.findall(r"ERROR SUMMARY: (\d+) errors", text)
        lost = re.findall(r"(definitely|indirectly) lost: ([\d,]+) bytes", text)
        print("%s: ERROR SUMMARY %s; %s" % (name, summary or "?",
              ", ".join("%s lost %s bytes" % kv for kv in lost) or "no leak at all"))
        if not summary or summary[-1] != "0" or any(v != "0" for _k, v in lost):
            problems.append("%s:\n%s" % (name, text[-8000:]))
    if problems:
        print("FAILED (reports kept in %s):\n%s" % (work, "\n".join(problems)), file=sys.stderr)
        return 1
    shutil.rmtree(work, ignore_errors=True)
    print("OK: e2e suite passed with every milter under memcheck, no error, no leak")
    return 0


if __name__ == "__main__":
    sys.exit(main())
