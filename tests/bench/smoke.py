#!/usr/bin/env python3
"""
NAME
    smoke - bench/smoke: the benchmark driver still speaks the milter
    protocol

DESCRIPTION
    Runs noop_milter on a unix socket in a temporary folder and milterdrive
    against it: 40 sessions over 8 stories, 4 at a time. Passes when every
    session completed, each was accepted and got exactly the one header
    field the no-op milter adds at end of message, and the figures are
    there. A benchmark, not a test of rdns-milter: it only keeps the
    driver from rotting.

    usage: smoke.py --drive MILTERDRIVE --noop NOOP_MILTER
"""

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

STORIES = """# ip helo from rcpt client_name reverse_client_name
10.1.0.1 mx1.good1.bench.test news@good1.bench.test user@rcpt.bench.test mx1.good1.bench.test
100.64.0.1 localhost <> user@rcpt.bench.test unknown dyn-100-64-0-1.isp.bench.test
198.18.0.1 [10.250.1.1] a@nx.bench.test user@rcpt.bench.test
2001:db8::25 mx.v6.bench.test b@v6.bench.test user@rcpt.bench.test mx.v6.bench.test
10.1.0.2 User a@localdomain postmaster@rcpt.bench.test
10.1.0.3 10.1.0.3 c@good1.bench.test user@rcpt.bench.test
10.1.0.4 mx4.good1.bench.test d@good1.bench.test user@rcpt.bench.test
10.1.0.5 mx5.good1.bench.test e@good1.bench.test user@rcpt.bench.test
"""


def wait_socket(path, proc):
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        with socket.socket(socket.AF_UNIX) as s:
            try:
                s.connect(path)
                return True
            except OSError:
                time.sleep(0.05)
    return False


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--drive", required=True)
    ap.add_argument("--noop", required=True)
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="rdns-bench-smoke.")
    sock = os.path.join(tmp, "noop.sock")
    stories = os.path.join(tmp, "stories.txt")
    with open(stories, "w") as f:
        f.write(STORIES)
    milter = subprocess.Popen([a.noop, "-s", "unix:" + sock], stdin=subprocess.DEVNULL)
    failures = []
    try:
        if not wait_socket(sock, milter):
            failures.append("noop_milter did not open its socket")
        else:
            r = subprocess.run([a.drive, "-c", "4", "-n", "40", "-s", "unix:" + sock, stories],
                               capture_output=True, text=True, timeout=40)
            sys.stdout.write(r.stdout)
            sys.stderr.write(r.stderr)
            got = dict(line.split("=", 1) for line in r.stdout.splitlines() if "=" in line)
            want = {"sessions": "40", "accept": "40", "reject": "0", "tempfail": "0",
                    "errors": "0", "headers_changed": "40", "socket_type": "unix"}
            if r.returncode != 0:
                failures.append("milterdrive exited %d" % r.returncode)
            for k, v in want.items():
                if got.get(k) != v:
                    failures.append("%s=%s, expected %s" % (k, got.get(k), v))
            for k in ("sessions_per_s", "p50_ms", "p99_ms"):
                if not float(got.get(k, "0")) > 0:
                    failures.append("%s missing or zero" % k)
    finally:
        # nothing to flush in a no-op, and libmilter takes ~5 s to act on
        # SIGTERM: SIGKILL keeps the suite fast
        milter.kill()
        milter.wait()
        shutil.rmtree(tmp, ignore_errors=True)
    for f in failures:
        print("FAIL: " + f)
    print("%d passed, %d failed" % (0 if failures else 1, 1 if failures else 0))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
