#!/usr/bin/env python3
"""
NAME
    test_chroot - rdns-milter behind a Postfix chrooted as Debian ships it

SYNOPSIS
    python3 test_chroot.py --milter BUILD/rdns-milter [unittest args]

DESCRIPTION
    Debian's stock master.cf runs smtpd, cleanup and pickup (and most other
    services) chrooted in the queue directory /var/spool/postfix, where a
    socket under /run cannot be seen. This test runs a private Postfix with
    the chroot column of every service taken from Debian's own
    /usr/share/postfix/master.cf.dist, its chroot prepared by Postfix's own
    configure-instance.sh (as Debian's init script and unit do), and the
    milter lines of etc/postfix-main.cf.snippet AS SHIPPED: the milter
    listens where etc/rdns-milter.yaml's default socket says, relative to
    the private queue directory (QUEUE/rdns-milter/rdns-milter.sock, like
    /var/spool/postfix/rdns-milter/rdns-milter.sock), in a directory of
    mode 0750 that the postfix user reaches only as a supplementary member
    of the filter's group, as the package sets it up ("adduser postfix
    rdns-milter"; here a group rdns-e2e-chroot that the test creates and
    deletes, since the package test owns the real one).

    Checked: the snippet's socket is the default below the chroot; a
    zombie (no PTR, HELO localhost) is refused with 550 5.7.1; a good
    server's message is delivered with the X-RDNS-Score header; a message
    submitted locally (sendmail(1), through the chrooted pickup and
    cleanup: non_smtpd_milters) reaches the milter; a listener with
    smtpd_peername_lookup = yes names a client from the chroot's hosts
    file and the milter takes that name ({client_resolve} OK). And the failure an
    admin must be able to spot: a second smtpd pointed at a socket outside
    the chroot (the old /run default) lets mail through unscored, Postfix
    logs "warning: connect to Milter service unix:PATH: No such file or
    directory", and `rdns-milter -S` of the milter listening there says
    "connections 0".

    Needs root (Postfix, 127.0.0.N sources). RDNS_E2E_KEEP=1 keeps the
    work directory.
"""

import argparse
import grp
import os
import pwd
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

from dnsfixture import NSD                       # noqa: E402
from sink import SmtpSink                        # noqa: E402
from milterproc import Milter                    # noqa: E402
from mta_postfix import Postfix, free_port       # noqa: E402
from test_e2e import (Session, message, parse_score, hits_of, snippet_lines,  # noqa: E402
                      GOOD, ZOMBIE, HEADER, THRESHOLD, MTA_NAMED, MTA_NAME)

ARGS = argparse.Namespace(milter=os.path.join(TOP, "build", "rdns-milter"))
DEFAULT_SOCKET_PREFIX = "unix:/var/spool/postfix/"


def shipped_default_socket():
    with open(os.path.join(TOP, "etc", "rdns-milter.yaml")) as f:
        m = re.search(r'^\s+socket:\s*"?(unix:[^"\s]+)', f.read(), re.M)
    return m.group(1)


def snippet_params():
    """etc/postfix-main.cf.snippet's main.cf lines, unchanged."""
    params = {}
    for line in snippet_lines("postfix-main.cf.snippet"):
        key, _, val = line.partition("=")
        params[key.strip()] = val.strip()
    return params


GROUP = "rdns-e2e-chroot"


class ChrootMilter(Milter):
    """A Milter whose socket is a given path (not workdir/name.sock), with
    the shipped socket mode 0660, run as user nobody and group GROUP: the
    MTA gets in as a member of that group only, as with the package's user
    rdns-milter and "adduser postfix rdns-milter"."""

    def __init__(self, binary, workdir, name, settings, sock):
        super().__init__(binary, workdir, name, settings)
        self.sock = sock
        self.spec = "unix:" + sock
        self.settings["milter"].update(socket=self.spec, socket_mode="0660",
                                       user="nobody", group=GROUP)

    def stats(self):
        r = subprocess.run([self.binary, "-S", "-c", self.conf], capture_output=True,
                           text=True, timeout=30)
        if r.returncode != 0:
            raise AssertionError("rdns-milter -S failed (%d): %s" % (r.returncode, r.stderr))
        return dict(l.split(None, 1) for l in r.stdout.splitlines() if len(l.split()) == 2)


class Chroot(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        base = os.environ.get("RDNS_E2E_TMPDIR", "/run/rdns-e2e")
        os.makedirs(base, exist_ok=True)
        os.chmod(base, 0o755)
        cls.dir = tempfile.mkdtemp(prefix="chroot-", dir=base)
        os.chmod(cls.dir, 0o755)
        cls.ok = False
        cls.milters = []
        cls.postfix = None
        cls.nsd = cls.sink = None
        try:
            cls._start()
        except BaseException:
            print(cls.diag(), file=sys.stderr)
            cls._stop()
            raise

    @classmethod
    def _start(cls):
        zones = os.path.join(HERE, "zones")
        cls.nsd = NSD([os.path.join(zones, "0.0.127.in-addr.arpa.zone"),
                       os.path.join(zones, "test.zone")]).__enter__()
        cls.sink = SmtpSink().__enter__()
        pfdir = os.path.join(cls.dir, "postfix")
        queue = os.path.join(pfdir, "queue")
        # The shipped default, moved from /var/spool/postfix into our queue.
        default = shipped_default_socket()
        assert default.startswith(DEFAULT_SOCKET_PREFIX), default
        inside = os.path.join(queue, default[len(DEFAULT_SOCKET_PREFIX):])
        sockdir = os.path.dirname(inside)
        os.makedirs(sockdir)
        # As the package makes it: the daemon's user owns it, mode 0750, the
        # MTA gets in by the group.
        subprocess.run(["groupdel", GROUP], capture_output=True)     # a leftover
        subprocess.run(["groupadd", "--system", GROUP], check=True, timeout=60)
        subprocess.run(["gpasswd", "-a", "postfix", GROUP], check=True, capture_output=True,
                       timeout=60)
        os.chown(sockdir, pwd.getpwnam("nobody").pw_uid, grp.getgrnam(GROUP).gr_gid)
        os.chmod(sockdir, 0o750)
        conf = {"dns": {"resolvers": [cls.nsd.resolver]}, "trusted_networks": [],
                "threshold": THRESHOLD, "never_reject": ["postmaster"]}
        cls.milter = ChrootMilter(ARGS.milter, cls.dir, "milter-chroot", conf, inside)
        # Listening where a chrooted smtpd cannot see: the old /run default.
        outside = os.path.join(cls.dir, "run", "rdns-milter.sock")
        os.makedirs(os.path.dirname(outside))
        os.chmod(os.path.dirname(outside), 0o755)
        cls.outside = ChrootMilter(ARGS.milter, cls.dir, "milter-outside", conf, outside)
        for m in (cls.milter, cls.outside):
            m.start()
            cls.milters.append(m)
        cls.params = snippet_params()
        cls.port, cls.wrong_port, cls.names_port = free_port(), free_port(), free_port()
        cls.postfix = Postfix(pfdir, cls.sink.port,
                              [(cls.port, {}),
                               (cls.wrong_port, {"smtpd_milters": cls.outside.spec}),
                               (cls.names_port, {"smtpd_peername_lookup": "yes"})],
                              main_extra=cls.params, chroot="debian")
        os.makedirs(pfdir, exist_ok=True)
        cls.postfix.start()
        # The chrooted smtpd reads the hosts file configure-instance.sh put
        # in the chroot, at each lookup: one more client named there.
        with open(os.path.join(cls.postfix.queue, "etc", "hosts"), "a") as f:
            f.write("\n%s %s\n" % (MTA_NAMED, MTA_NAME))

    @classmethod
    def _stop(cls):
        if cls.postfix:
            cls.postfix.stop()
        for m in cls.milters:
            m.terminate()
        for m in cls.milters:
            m.stop()
        for f in (cls.sink, cls.nsd):
            if f is not None:
                f.__exit__(None, None, None)
        subprocess.run(["groupdel", GROUP], capture_output=True, timeout=60)

    @classmethod
    def diag(cls):
        out = ["work dir: %s" % cls.dir]
        for m in cls.milters:
            out.append("--- %s log\n%s" % (m.name, m.tail(3000)))
        if cls.postfix:
            out.append("--- postfix\n%s" % cls.postfix.tail(4000))
        return "\n".join(out)

    @classmethod
    def tearDownClass(cls):
        cls._stop()
        if os.environ.get("RDNS_E2E_KEEP"):
            print("kept %s" % cls.dir, file=sys.stderr)
        else:
            shutil.rmtree(cls.dir, ignore_errors=True)

    def fail_with(self, what):
        self.fail("%s\n%s" % (what, self.diag()))

    def delivered(self, token, timeout=20.0):
        m = self.sink.wait_for(lambda d: token in (d.msg.get("Subject") or ""), timeout)
        if m is None:
            self.fail_with("message %s never reached the sink" % token)
        return m

    def scored_message(self, port, source, helo):
        """One message from source through the smtpd on port, delivered:
        its one score header, parsed."""
        tok = uuid.uuid4().hex
        s = Session(port, source, helo)
        r = s.send("alice@good.test", ["user@example.test"], message(tok))
        s.close()
        self.assertEqual(r.get("data", (0,))[0], 250, r)
        values = self.delivered(tok).headers(HEADER)
        if len(values) != 1:
            self.fail_with("want one %s header, got %r" % (HEADER, values))
        return parse_score(values[0])

    def maillog(self):
        try:
            with open(self.postfix.log, errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    # -- what the test stands on
    def test_0_setup_is_debians(self):
        ch = self.postfix.chrooted()
        for service in ("127.0.0.1:%d" % self.port, "cleanup", "pickup", "smtp"):
            self.assertEqual(ch.get(service), "y", "%s not chrooted: %r" % (service, ch))
        self.assertEqual(self.params.get("smtpd_milters"), "unix:/rdns-milter/rdns-milter.sock")
        self.assertEqual(self.params.get("non_smtpd_milters"), "$smtpd_milters")
        self.assertEqual(shipped_default_socket(),
                         DEFAULT_SOCKET_PREFIX + "rdns-milter/rdns-milter.sock")
        # configure-instance.sh prepared the chroot as on a real system.
        for f in ("etc/services", "etc/resolv.conf", "etc/hosts"):
            self.assertTrue(os.path.isfile(os.path.join(self.postfix.queue, f)), f)

    # -- the scenarios through the chrooted smtpd
    def test_zombie_refused(self):
        tok = uuid.uuid4().hex
        s = Session(self.port, ZOMBIE, "localhost")
        r = s.send("zombie@good.test", ["user@example.test"], message(tok, "zombie@good.test"))
        s.close()
        code, text = r["rcpt"][0]
        if code != 550:
            self.fail_with("want 550 5.7.1 from the chrooted smtpd, got %r" % (r,))
        self.assertIn("5.7.1", text)
        self.assertIn(ZOMBIE, text)
        self.assertNotIn("data", r)

    def test_good_server_scored(self):
        score, threshold, f = self.scored_message(self.port, GOOD, "mail.good.test")
        # a good server earns both rewards (helo_confirms, sender_mx_match)
        self.assertEqual((score, threshold), (-3.0, THRESHOLD), f)
        self.assertEqual(f.get("iprev"), "pass", f)
        self.assertEqual(hits_of(f), {"helo_confirms", "sender_mx_match"}, f)

    def test_local_submission_reaches_milter(self):
        """sendmail(1) -> postdrop -> chrooted pickup -> chrooted cleanup,
        which applies non_smtpd_milters = $smtpd_milters inside the chroot."""
        before = int(self.milter.stats().get("connections", -1))
        tok = uuid.uuid4().hex
        r = subprocess.run(["/usr/sbin/sendmail", "-C", self.postfix.conf, "-f",
                            "local@good.test", "user@example.test"],
                           input=message(tok, "local@good.test"), capture_output=True,
                           timeout=30)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.delivered(tok)
        after = int(self.milter.stats().get("connections", -1))
        if after != before + 1:
            self.fail_with("the chrooted cleanup did not consult the milter: "
                           "connections %d -> %d" % (before, after))

    def test_mta_confirmed_name(self):
        """milter.mta_names, on by default, through the chrooted smtpd of a
        listener with smtpd_peername_lookup = yes (Postfix's default): it
        names and confirms the .70 client from the chroot's hosts file and
        sends {client_resolve} OK; the milter takes that name, which the
        test DNS does not know (no PTR for .70: iprev=permerror on its own
        lookups)."""
        _, _, f = self.scored_message(self.names_port, MTA_NAMED, MTA_NAME)
        self.assertEqual(f.get("iprev"), "pass", f)
        self.assertEqual(f.get("ptr"), MTA_NAME, f)
        self.assertIn("helo_confirms", hits_of(f), f)

    # -- how a postmaster tells the filter is not consulted
    def test_wrong_socket_is_visible(self):
        tok = uuid.uuid4().hex
        s = Session(self.wrong_port, ZOMBIE, "localhost")
        r = s.send("zombie@good.test", ["user@example.test"], message(tok, "zombie@good.test"))
        s.close()
        # milter_default_action = accept: the zombie gets through unscored.
        self.assertEqual(r.get("data", (0,))[0], 250, r)
        self.assertEqual(self.delivered(tok).headers(HEADER), [])
        want = "warning: connect to Milter service %s: No such file or directory" \
            % self.outside.spec
        deadline = time.monotonic() + 10
        while want not in self.maillog() and time.monotonic() < deadline:
            time.sleep(0.1)
        lines = [l for l in self.maillog().splitlines() if "Milter service" in l]
        print("\n[chroot: the Postfix line for an unreachable milter: %r]"
              % (lines[:1],), file=sys.stderr)
        if want not in self.maillog():
            self.fail_with("Postfix did not log %r" % want)
        self.assertEqual(self.outside.stats().get("connections"), "0")


def main():
    p = argparse.ArgumentParser(add_help=False)
    p.add_argument("--milter", default=ARGS.milter)
    ns, rest = p.parse_known_args()
    ARGS.milter = os.path.abspath(ns.milter)
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)


if __name__ == "__main__":
    main()
