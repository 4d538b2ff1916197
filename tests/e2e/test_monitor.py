#!/usr/bin/env python3
"""
NAME
    test_monitor - mode: monitor against mode: enforce, through a real Postfix

SYNOPSIS
    python3 test_monitor.py --milter BUILD/rdns-milter [unittest args]

DESCRIPTION
    One Postfix with two smtpd listeners: the main one uses an rdns-milter
    in the default mode (enforce), configured from etc/postfix-main.cf.snippet
    as test_e2e.py does; the other (-o smtpd_milters) an rdns-milter with
    "mode: monitor" and otherwise the same settings. NSD serves the e2e
    zones, so 127.0.0.20 is the zombie (no PTR, HELO localhost) and
    127.0.0.10 the good server.

    Proved here: the zombie is refused with 550 under enforce; under monitor
    the same zombie's message is delivered to the sink, carrying
    "X-RDNS-Score: ... action=reject mode=monitor"; the monitor milter logs
    the refusal it did not give (result=550 ... mode=monitor) and
    `rdns-milter -S` counts it as monitor_reject_rcpt, not as reject; and
    the two commands the README's "Rollout" section gives for reading a
    week of monitor logs, taken from README.md as written, give the right
    answer over this run's log.

    Set RDNS_E2E_KEEP=1 to keep the work directory.
"""

import argparse
import contextlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unittest
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(TOP, "tests", "dns"))
sys.path.insert(0, os.path.join(TOP, "tests", "milter"))

from dnsfixture import NSD                     # noqa: E402
from sink import SmtpSink                      # noqa: E402
from milterproc import Milter                  # noqa: E402
from mta_postfix import Postfix, free_port     # noqa: E402
from test_e2e import (Session, message, parse_score, hits_of,   # noqa: E402
                      postfix_milter_params, GOOD, ZOMBIE, THRESHOLD, HEADER)
import promtext                                # noqa: E402

ARGS = argparse.Namespace(milter=os.path.join(TOP, "build", "rdns-milter"))


def readme_command(prefix):
    """The README line that starts with "$ " + prefix, without the "$ "."""
    with open(os.path.join(TOP, "README.md")) as f:
        found = [l[2:].rstrip("\n") for l in f if l.startswith("$ " + prefix)]
    if len(found) != 1:
        raise AssertionError("README.md: want one line starting '$ %s', got %r"
                             % (prefix, found))
    return found[0]


class Monitor(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        base = os.environ.get("RDNS_E2E_TMPDIR", "/run/rdns-e2e")
        os.makedirs(base, exist_ok=True)
        os.chmod(base, 0o755)
        cls.dir = tempfile.mkdtemp(prefix="monitor-", dir=base)
        os.chmod(cls.dir, 0o755)
        cls.stack = contextlib.ExitStack()
        s = cls.stack
        try:
            zones = os.path.join(HERE, "zones")
            nsd = s.enter_context(NSD([os.path.join(zones, "0.0.127.in-addr.arpa.zone"),
                                       os.path.join(zones, "test.zone")]))
            cls.sink = s.enter_context(SmtpSink())
            settings = {
                "dns": {"resolvers": [nsd.resolver]},
                "trusted_networks": [],
                "threshold": THRESHOLD,
            }
            cls.enforce = s.enter_context(Milter(ARGS.milter, cls.dir, "enforce", settings))
            cls.monitor = s.enter_context(Milter(ARGS.milter, cls.dir, "monitor",
                                                 dict(settings, mode="monitor")))
            cls.ports = {"enforce": free_port(), "monitor": free_port()}
            cls.mta = Postfix(os.path.join(cls.dir, "postfix"), cls.sink.port,
                              [(cls.ports["enforce"], {}),
                               (cls.ports["monitor"], {"smtpd_milters": cls.monitor.spec})],
                              main_extra=postfix_milter_params(cls.enforce.spec))
            s.enter_context(cls.mta)
        except BaseException:
            cls.stack.close()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.mta.stop()
        for m in (cls.enforce, cls.monitor):
            m.terminate()
        cls.stack.close()
        bad = [m.name for m in (cls.enforce, cls.monitor) if m.returncode not in (0, None)]
        bad += [m.name + " sanitizer" for m in (cls.enforce, cls.monitor)
                if "Sanitizer" in m.tail(1 << 20) or "runtime error:" in m.tail(1 << 20)]
        if os.environ.get("RDNS_E2E_KEEP") or bad:
            print("kept %s" % cls.dir, file=sys.stderr)
        else:
            shutil.rmtree(cls.dir, ignore_errors=True)
        if bad:
            raise AssertionError("milters: %r" % bad)

    # -- helpers
    def diag(self):
        return "\n".join(["--- enforce\n" + self.enforce.tail(3000),
                          "--- monitor\n" + self.monitor.tail(3000),
                          "--- postfix\n" + self.mta.tail(3000),
                          "--- sink: %r" % self.sink.messages()])

    def send(self, mode, source, helo, sender, rcpts):
        tok = uuid.uuid4().hex
        s = Session(self.ports[mode], source, helo)
        r = s.send(sender, rcpts, message(tok, sender, rcpts[0]))
        s.close()
        return tok, r

    def delivered(self, tok, timeout=15.0):
        m = self.sink.wait_for(lambda d: tok in (d.msg.get("Subject") or ""), timeout)
        if m is None:
            self.fail("message %s never reached the sink\n%s" % (tok, self.diag()))
        return m

    def stats(self, milter, *extra):
        r = subprocess.run([ARGS.milter, "-S", "-c", milter.conf, "-s", milter.spec]
                           + list(extra), capture_output=True, text=True, timeout=20)
        self.assertEqual((r.returncode, r.stderr), (0, ""), r)
        return r.stdout

    def counters(self, milter):
        return {k: v for k, v in (l.split() for l in self.stats(milter).splitlines())}

    def wait_closed(self, milter):
        """Until the milter has closed every session (its close callback
        runs after the MTA's QUIT)."""
        deadline = time.monotonic() + 10
        while True:
            c = self.counters(milter)
            if c["active"] == "0" or time.monotonic() > deadline:
                return c
            time.sleep(0.05)

    # -- the scenarios (named so that they run in this order)
    def test_1_enforce_refuses_zombie(self):
        tok, r = self.send("enforce", ZOMBIE, "localhost", "zombie@good.test",
                           ["user@example.test"])
        code, text = r["rcpt"][0]
        self.assertEqual(code, 550, (r, self.diag()))
        self.assertIn("5.7.1", text)
        self.assertNotIn("data", r)
        # a later message through the same MTA is the barrier
        good, r2 = self.send("enforce", GOOD, "mail.good.test", "alice@good.test",
                             ["user@example.test"])
        self.assertEqual(r2.get("data", (0,))[0], 250, r2)
        self.delivered(good)
        self.assertEqual([m for m in self.sink.messages() if tok in m.data.decode()], [])
        self.assertRegex(self.enforce.tail(1 << 20),
                         r"client=127\.0\.0\.20 .*action=reject stage=rcpt result=550 "
                         r"hits=ptr_none,helo_not_fqdn\n")
        self.assertNotIn("mode=monitor", self.enforce.tail(1 << 20))
        c = self.wait_closed(self.enforce)
        self.assertEqual((c["reject_rcpt"], c["monitor_reject"]), ("1", "0"), c)

    def test_2_monitor_delivers_zombie_marked(self):
        tok, r = self.send("monitor", ZOMBIE, "localhost", "zombie@good.test",
                           ["user@example.test"])
        self.assertEqual([c for c, _ in r["rcpt"]], [250], (r, self.diag()))
        self.assertEqual(r.get("data", (0,))[0], 250, r)
        d = self.delivered(tok)
        values = d.headers(HEADER)
        self.assertEqual(len(values), 1, values)
        score, threshold, f = parse_score(values[0])
        self.assertEqual((score, threshold), (8.0, THRESHOLD), values)
        self.assertEqual(hits_of(f), {"ptr_none", "helo_not_fqdn"}, values)
        self.assertEqual(f.get("action"), "reject", values)
        self.assertEqual(f.get("mode"), "monitor", values)
        self.assertRegex(values[0], r" action=reject mode=monitor$")
        log = self.monitor.tail(1 << 20)
        self.assertRegex(log, r"client=127\.0\.0\.20 ptr=none iprev=permerror helo=localhost "
                              r"from=<zombie@good\.test> rcpt=<user@example\.test> "
                              r"score=8\.0/7\.0 action=reject stage=rcpt result=550 "
                              r"hits=ptr_none,helo_not_fqdn mode=monitor\n")
        # a good server under monitor: accepted as ever (both rewards earned), marked monitor
        good, r2 = self.send("monitor", GOOD, "mail.good.test", "alice@good.test",
                             ["user@example.test"])
        self.assertEqual(r2.get("data", (0,))[0], 250, r2)
        g = parse_score(self.delivered(good).headers(HEADER)[0])
        self.assertEqual((g[0], g[2].get("action"), g[2].get("mode")),
                         (-3.0, "accept", "monitor"), g)
        c = self.wait_closed(self.monitor)
        self.assertEqual({k: c[k] for k in ("reject", "tempfail", "monitor_reject",
                                            "monitor_reject_rcpt", "monitor_tempfail",
                                            "accept")},
                         {"reject": "0", "tempfail": "0", "monitor_reject": "1",
                          "monitor_reject_rcpt": "1", "monitor_tempfail": "0", "accept": "2"},
                         c)
        fams = promtext.parse(self.stats(self.monitor, "-F", "prometheus"))
        self.assertEqual(promtext.value(fams, "rdns_milter_monitor_refusals_total",
                                        action="reject", stage="rcpt"), 1.0)
        self.assertEqual(promtext.value(fams, "rdns_milter_refusals_total",
                                        action="reject", stage="rcpt"), 0.0)
        info = list(fams["rdns_milter_info"]["samples"])[0]
        self.assertIn(("mode", "monitor"), info)

    def test_3_readme_rollout_commands(self):
        """The README's two commands for a week of monitor logs, run as
        written on this run's monitor milter and its log."""
        # connections: ours, and the probe that saw Postfix's port open
        sessions = self.wait_closed(self.monitor)["connections"]
        cmd = readme_command("rdns-milter -S | awk")
        cmd = cmd.replace("rdns-milter -S", "%s -S -c %s -s %s"
                          % (ARGS.milter, self.monitor.conf, self.monitor.spec), 1)
        r = subprocess.run(["sh", "-c", cmd], capture_output=True, text=True, timeout=20)
        print("\n[README summary: %s]" % r.stdout.strip(), file=sys.stderr)
        self.assertEqual(r.returncode, 0, r)
        self.assertEqual(r.stdout, "%s sessions, 2 messages; enforce mode would have refused "
                                   "1 (550) and delayed 0 (451)\n" % sessions)
        cmd = readme_command("zgrep -h 'mode=monitor' /var/log/mail.log*")
        cmd = cmd.replace("/var/log/mail.log*", self.monitor.log + "*")
        r = subprocess.run(["sh", "-c", cmd], capture_output=True, text=True, timeout=20)
        print("[README log one-liner: %r]" % r.stdout, file=sys.stderr)
        self.assertEqual(r.returncode, 0, r)
        self.assertEqual([l.split() for l in r.stdout.splitlines()],
                         [["1", "client=127.0.0.20", "ptr=none", "hits=ptr_none,helo_not_fqdn"]],
                         r.stdout)

    def test_4_readme_textfile_collector_cron(self):
        """The README's cron line for node_exporter's textfile collector,
        run as written (paths replaced): a complete, valid .prom file and
        no temporary file left."""
        with open(os.path.join(TOP, "README.md")) as f:
            (line,) = [l for l in f if l.startswith("* * * * * root ")]
        out = os.path.join(self.dir, "textfile")
        os.makedirs(out)
        cmd = line[len("* * * * * root "):].strip()
        cmd = cmd.replace("/usr/sbin/rdns-milter -S", "%s -S -c %s -s %s"
                          % (ARGS.milter, self.monitor.conf, self.monitor.spec))
        cmd = cmd.replace("/var/lib/prometheus/node-exporter", out)
        r = subprocess.run(["sh", "-c", cmd], capture_output=True, text=True, timeout=20)
        self.assertEqual((r.returncode, r.stderr), (0, ""), cmd)
        self.assertEqual(os.listdir(out), ["rdns-milter.prom"])
        with open(os.path.join(out, "rdns-milter.prom")) as f:
            fams = promtext.parse(f.read())
        self.assertIn("rdns_milter_monitor_refusals_total", fams)


def main():
    p = argparse.ArgumentParser(add_help=False)
    p.add_argument("--milter", default=ARGS.milter)
    ns, rest = p.parse_known_args()
    ARGS.milter = os.path.abspath(ns.milter)
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)


if __name__ == "__main__":
    main()
