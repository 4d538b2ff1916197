#!/usr/bin/env python3
"""
NAME
    run_milter_tests.py - rdns-milter driven through the milter protocol

SYNOPSIS
    run_milter_tests.py --milter PATH CASE...

DESCRIPTION
    Starts NSD (tests/dns/dnsfixture.py) serving tests/milter/zones, writes a
    config whose dns.resolvers point at it, starts `rdns-milter -f -c CONF
    -s unix:SOCK`, and runs each CASE:

    t-NAME.lua   a miltertest script. It gets MILTER_SOCKET, MILTER_LOG (the
                 daemon's stderr), MILTER_PID, MILTER_CONF and MILTER_DIR in
                 its environment. Comment lines at the top configure the run:
                   -- config: KEY: VALUE   a top-level config key for this run
                                           (${WORK}: the run's directory)
                   -- log: REGEX           the log must match (re.search)
                   -- nolog: REGEX         the log must not match
                 The script must exit 0; then SIGTERM must stop the daemon
                 with exit 0, removing its socket and pid file, with no
                 sanitizer report in its log.
    builtin:NAME one of the Python cases below (config-test, usage, sighup,
                 tcp-nodelay, reply-text, stats, stats-interval).

    Everything listens on loopback; the addresses in the zones are data.
"""

import argparse
import ctypes
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "dns"))
import dnsfixture  # noqa: E402

ZONES = [os.path.join(HERE, "zones", z) for z in sorted(os.listdir(os.path.join(HERE, "zones")))
         if z.endswith(".zone")]
MILTERTEST = shutil.which("miltertest") or "/usr/bin/miltertest"
SANITIZER = re.compile(r"ERROR: (Address|Leak)Sanitizer|runtime error:")


class Fail(Exception):
    pass


def base_config(resolver, sockdir):
    """Top-level key -> YAML text; a script's '-- config:' lines replace keys."""
    return {
        "dns": "dns:\n  resolvers: [\"%s\"]\n  timeout_ms: 1000\n  retries: 1\n"
               "  budget_ms: 5000\n" % resolver,
        "trusted_networks": "trusted_networks: []",
        "authserv_id": "authserv_id: mx.milter.test",
        "milter": "milter:\n  socket: \"unix:%s/milter.sock\"\n  pid_file: \"%s/milter.pid\"\n"
                  "  user: root\n" % (sockdir, sockdir),
    }


def write_config(path, cfg):
    with open(path, "w") as f:
        f.write("\n".join(cfg.values()) + "\n")


class Milter:
    """rdns-milter -f on a socket in its own directory."""

    def __init__(self, binary, conf, workdir, socket_spec=None):
        self.binary = binary
        self.conf = conf
        self.dir = workdir
        self.sock = os.path.join(workdir, "milter.sock")
        self.spec = socket_spec or "unix:" + self.sock
        self.log = os.path.join(workdir, "milter.log")
        self.pidfile = os.path.join(workdir, "milter.pid")
        self.proc = None

    def start(self):
        logf = open(self.log, "w")
        self.proc = subprocess.Popen([self.binary, "-f", "-c", self.conf, "-s", self.spec],
                                     stdin=subprocess.DEVNULL, stdout=logf, stderr=logf)
        logf.close()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise Fail("rdns-milter exited %d at start:\n%s" % (self.proc.returncode,
                                                                      self.read_log()))
            if "listening on" in self.read_log():
                return self
            time.sleep(0.02)
        raise Fail("rdns-milter did not start:\n" + self.read_log())

    def read_log(self):
        try:
            with open(self.log, errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def stop(self):
        """SIGTERM: exit 0, socket and pid file gone."""
        p, self.proc = self.proc, None
        if p is None:
            return
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
        try:
            rc = p.wait(15)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
            raise Fail("rdns-milter did not stop within 15 s of SIGTERM")
        if rc != 0:
            raise Fail("rdns-milter exited %d after SIGTERM:\n%s" % (rc, self.read_log()[-3000:]))
        if self.spec.startswith("unix:") and os.path.exists(self.sock):
            raise Fail("socket %s left behind" % self.sock)
        if os.path.exists(self.pidfile):
            raise Fail("pid file %s left behind" % self.pidfile)
        if SANITIZER.search(self.read_log()):
            raise Fail("sanitizer report:\n" + self.read_log()[-4000:])

    def kill(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.proc = None


def script_directives(path):
    cfg, want, unwanted = {}, [], []
    with open(path) as f:
        for line in f:
            m = re.match(r"^--\s*(config|log|nolog):\s?(.*?)\s*$", line)
            if not m:
                continue
            kind, arg = m.groups()
            if kind == "config":
                key = arg.split(":", 1)[0].strip()
                cfg[key] = arg
            elif kind == "log":
                want.append(arg)
            else:
                unwanted.append(arg)
    return cfg, want, unwanted


def run_miltertest(script, milter, timeout=60):
    env = dict(os.environ, MILTER_TESTDIR=HERE, MILTER_SOCKET=milter.spec, MILTER_LOG=milter.log,
               MILTER_PID=str(milter.proc.pid), MILTER_CONF=milter.conf, MILTER_DIR=milter.dir)
    r = subprocess.run([MILTERTEST, "-s", script], env=env, capture_output=True, text=True,
                       timeout=timeout)
    if r.returncode != 0:
        raise Fail("miltertest %s exited %d\nstdout:\n%s\nstderr:\n%s\nmilter log:\n%s"
                   % (os.path.basename(script), r.returncode, r.stdout[-3000:], r.stderr[-3000:],
                      milter.read_log()[-4000:]))
    return r


def case_lua(args, ns, name):
    script = os.path.join(HERE, name)
    work = tempfile.mkdtemp(prefix="rdns-milter-t-")
    try:
        cfg = base_config(ns.resolver, work)
        over, want, unwanted = script_directives(script)
        cfg.update({k: v.replace("${WORK}", work) for k, v in over.items()})
        conf = os.path.join(work, "rdns-milter.yaml")
        write_config(conf, cfg)
        m = Milter(args.milter, conf, work).start()
        try:
            run_miltertest(script, m)
        finally:
            if m.proc is not None:
                try:
                    m.stop()
                except Fail:
                    m.kill()
                    raise
        log = m.read_log()
        for rx in want:
            if not re.search(rx, log, re.M):
                raise Fail("log does not match %r:\n%s" % (rx, log[-4000:]))
        for rx in unwanted:
            if re.search(rx, log, re.M):
                raise Fail("log matches %r:\n%s" % (rx, log[-4000:]))
    finally:
        shutil.rmtree(work, ignore_errors=True)


# ---- builtin cases ----------------------------------------------------------

def builtin_usage(args, ns):
    r = subprocess.run([args.milter, "-x"], capture_output=True, text=True)
    if r.returncode != 2 or "usage: rdns-milter" not in r.stderr or r.stdout:
        raise Fail("bad option: rc %d stdout %r stderr %r" % (r.returncode, r.stdout, r.stderr))
    r = subprocess.run([args.milter, "extra"], capture_output=True, text=True)
    if r.returncode != 2 or "usage:" not in r.stderr:
        raise Fail("extra argument: rc %d stderr %r" % (r.returncode, r.stderr))
    r = subprocess.run([args.milter, "-V"], capture_output=True, text=True)
    if r.returncode != 0 or not re.match(r"rdns-milter \d+\.\d+", r.stdout):
        raise Fail("-V: rc %d stdout %r" % (r.returncode, r.stdout))
    r = subprocess.run([args.milter, "-h"], capture_output=True, text=True)
    if r.returncode != 0 or "usage: rdns-milter" not in r.stdout:
        raise Fail("-h: rc %d stdout %r" % (r.returncode, r.stdout))


def builtin_config_test(args, ns):
    work = tempfile.mkdtemp(prefix="rdns-milter-t-")
    try:
        good = os.path.join(work, "good.yaml")
        write_config(good, base_config(ns.resolver, work))
        r = subprocess.run([args.milter, "-t", "-c", good], capture_output=True, text=True)
        if r.returncode != 0 or r.stderr:
            raise Fail("-t good: rc %d stderr %r" % (r.returncode, r.stderr))
        bad = os.path.join(work, "bad.yaml")
        with open(bad, "w") as f:
            f.write("threshold: 7.0\nreject_stage: rcpt\nthreshhold: 5\n")
        r = subprocess.run([args.milter, "-t", "-c", bad], capture_output=True, text=True)
        if r.returncode != 2 or not re.match(re.escape(bad) + r":3: \S", r.stderr):
            raise Fail("-t bad: rc %d stderr %r" % (r.returncode, r.stderr))
        r = subprocess.run([args.milter, "-t", "-c", os.path.join(work, "missing.yaml")],
                           capture_output=True, text=True)
        if r.returncode != 2 or "missing.yaml" not in r.stderr:
            raise Fail("-t missing file: rc %d stderr %r" % (r.returncode, r.stderr))
        # Starting (not -t) with a broken config fails the same way.
        r = subprocess.run([args.milter, "-f", "-c", bad], capture_output=True, text=True,
                           timeout=10)
        if r.returncode != 2 or not r.stderr.startswith(bad + ":3: "):
            raise Fail("start with bad config: rc %d stderr %r" % (r.returncode, r.stderr))
    finally:
        shutil.rmtree(work, ignore_errors=True)


SIGHUP_SCRIPT = """
-- One bad client, whose fate shows which threshold is live.
local conn = mt.connect(os.getenv("MILTER_SOCKET"), 40, 0.25)
assert(conn, "connect")
assert(mt.conninfo(conn, "zombie", "203.0.113.66") == nil)
assert(mt.getreply(conn) == SMFIR_CONTINUE)
assert(mt.helo(conn, "localhost") == nil)
assert(mt.mailfrom(conn, "<a@good.milter.test>") == nil)
assert(mt.rcptto(conn, "<user@good.milter.test>") == nil)
local want = os.getenv("EXPECT")
if want == "reject" then
  assert(mt.getreply(conn) == SMFIR_REPLYCODE, "expected a 550 at RCPT")
else
  assert(mt.getreply(conn) == SMFIR_CONTINUE, "expected RCPT accepted")
end
mt.disconnect(conn)
"""


def builtin_sighup(args, ns):
    work = tempfile.mkdtemp(prefix="rdns-milter-t-")
    try:
        cfg = base_config(ns.resolver, work)
        conf = os.path.join(work, "rdns-milter.yaml")
        write_config(conf, cfg)
        script = os.path.join(work, "t-hup.lua")
        with open(script, "w") as f:
            f.write(SIGHUP_SCRIPT)
        m = Milter(args.milter, conf, work).start()
        try:
            os.environ["EXPECT"] = "reject"
            run_miltertest(script, m)
            # A broken file: logged with file:line, the old config stays.
            with open(conf, "w") as f:
                f.write("threshold: 50\nweights:\n  no_such_check: 1\n")
            m.proc.send_signal(signal.SIGHUP)
            wait_log(m, re.escape(conf) + r":3: .*keeping the running configuration")
            if m.proc.poll() is not None:
                raise Fail("SIGHUP stopped the daemon:\n" + m.read_log())
            run_miltertest(script, m)           # still threshold 7: refused
            # A good file with a high threshold: the same client now passes.
            cfg["threshold"] = "threshold: 50"
            write_config(conf, cfg)
            m.proc.send_signal(signal.SIGHUP)
            wait_log(m, r"configuration reloaded from " + re.escape(conf))
            os.environ["EXPECT"] = "accept"
            run_miltertest(script, m)
            # Several signals in a row: none of them may stop the filter.
            for _ in range(5):
                m.proc.send_signal(signal.SIGHUP)
                time.sleep(0.05)
            time.sleep(0.3)
            if m.proc.poll() is not None:
                raise Fail("repeated SIGHUP stopped the daemon:\n" + m.read_log())
            run_miltertest(script, m)
            m.stop()
        finally:
            m.kill()
    finally:
        shutil.rmtree(work, ignore_errors=True)


def wait_log(m, rx, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if re.search(rx, m.read_log(), re.M):
            return
        time.sleep(0.02)
    raise Fail("log never matched %r:\n%s" % (rx, m.read_log()[-3000:]))


# TCP_NODELAY is checked from outside: pidfd_getfd(2) copies the daemon's
# socket into this process, where getsockopt can read the option.
SYS_PIDFD_GETFD = {"x86_64": 438, "aarch64": 438}


def peer_fd_nodelay(pid, inode):
    libc = ctypes.CDLL(None, use_errno=True)
    nr = SYS_PIDFD_GETFD.get(os.uname().machine)
    if nr is None:
        raise Fail("pidfd_getfd: unknown syscall number on " + os.uname().machine)
    for fd in os.listdir("/proc/%d/fd" % pid):
        try:
            target = os.readlink("/proc/%d/fd/%s" % (pid, fd))
        except OSError:
            continue
        if target != "socket:[%d]" % inode:
            continue
        pidfd = os.pidfd_open(pid)
        try:
            mine = libc.syscall(nr, pidfd, int(fd), 0)
            if mine < 0:
                raise Fail("pidfd_getfd: errno %d" % ctypes.get_errno())
            s = socket.socket(fileno=mine)
            try:
                return s.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
            finally:
                s.close()
        finally:
            os.close(pidfd)
    raise Fail("socket inode %d not found in /proc/%d/fd" % (inode, pid))


def tcp_inodes(port, state):
    """Inodes of IPv4 TCP sockets with local port and state ("0A" listen, "01" established)."""
    out = []
    with open("/proc/net/tcp") as f:
        next(f)
        for line in f:
            parts = line.split()
            lport = int(parts[1].split(":")[1], 16)
            if lport == port and parts[3] == state:
                out.append(int(parts[9]))
    return out


def builtin_tcp_nodelay(args, ns):
    work = tempfile.mkdtemp(prefix="rdns-milter-t-")
    try:
        port = dnsfixture.free_port()
        conf = os.path.join(work, "rdns-milter.yaml")
        write_config(conf, base_config(ns.resolver, work))
        # Postfix's spelling inet:HOST:PORT, which the daemon translates.
        m = Milter(args.milter, conf, work, socket_spec="inet:127.0.0.1:%d" % port).start()
        try:
            if "TCP_NODELAY set" not in m.read_log():
                raise Fail("no TCP_NODELAY log line:\n" + m.read_log())
            listen = tcp_inodes(port, "0A")
            if len(listen) != 1:
                raise Fail("expected one listening socket on %d, got %r" % (port, listen))
            if not peer_fd_nodelay(m.proc.pid, listen[0]):
                raise Fail("listening socket has no TCP_NODELAY")
            # An accepted connection inherits it (that is what matters).
            c = socket.create_connection(("127.0.0.1", port), timeout=5)
            try:
                deadline = time.monotonic() + 5
                accepted = []
                while not accepted and time.monotonic() < deadline:
                    # The daemon's side: local port == milter port, established.
                    accepted = [i for i in tcp_inodes(port, "01")
                                if i != 0 and inode_in_pid(m.proc.pid, i)]
                    time.sleep(0.02)
                if not accepted:
                    raise Fail("accepted socket not found")
                if not peer_fd_nodelay(m.proc.pid, accepted[0]):
                    raise Fail("accepted socket has no TCP_NODELAY")
            finally:
                c.close()
            # And the filter works over TCP.
            script = os.path.join(HERE, "t-good.lua")
            m.spec = "inet:%d@127.0.0.1" % port
            run_miltertest(script, m)
            m.stop()
        finally:
            m.kill()
    finally:
        shutil.rmtree(work, ignore_errors=True)


def inode_in_pid(pid, inode):
    for fd in os.listdir("/proc/%d/fd" % pid):
        try:
            if os.readlink("/proc/%d/fd/%s" % (pid, fd)) == "socket:[%d]" % inode:
                return True
        except OSError:
            pass
    return False


# ---- a minimal MTA side of the milter protocol, to read reply texts --------
# (miltertest shows only the reply code of SMFIR_REPLYCODE, not its text)

def mt_send(sock, cmd, data=b""):
    sock.sendall(struct.pack("!I", len(data) + 1) + cmd + data)


def mt_recv(sock):
    def exact(n):
        buf = b""
        while len(buf) < n:
            chunk = sock.recv(n - len(buf))
            if not chunk:
                raise Fail("milter closed the connection")
            buf += chunk
        return buf
    (n,) = struct.unpack("!I", exact(4))
    pkt = exact(n)
    return pkt[:1], pkt[1:]


def mt_dialogue(path, ip, helo, sender, rcpt, pause_after_connect=0.0, times=None):
    """Returns [(cmd, data)] of the replies to connect, HELO, MAIL, RCPT;
    with times (a list), appends how long each reply took, in seconds."""
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(20)
    s.connect(path)
    try:
        mt_send(s, b"O", struct.pack("!III", 6, 0x1FF, 0x1FFFFF))
        cmd, _ = mt_recv(s)
        if cmd != b"O":
            raise Fail("negotiation reply %r" % cmd)
        out = []
        fam = b"6" if ":" in ip else b"4"
        steps = [(b"C", b"client\0" + fam + struct.pack("!H", 25) + ip.encode() + b"\0"),
                 (b"H", helo.encode() + b"\0"), (b"M", sender.encode() + b"\0"),
                 (b"R", rcpt.encode() + b"\0")]
        for cmd, data in steps:
            t0 = time.monotonic()
            mt_send(s, cmd, data)
            out.append(mt_recv(s))
            if times is not None:
                times.append(time.monotonic() - t0)
            if out[-1][0] != b"c":
                break
            if cmd == b"C":
                time.sleep(pause_after_connect)
        mt_send(s, b"Q")
        return out
    finally:
        s.close()


def builtin_reply_text(args, ns):
    work = tempfile.mkdtemp(prefix="rdns-milter-t-")
    try:
        cfg = base_config(ns.resolver, work)
        cfg["reject_reply"] = ('reject_reply: "100% sure: %{ip} ptr=%{ptr} helo=%{helo} '
                               'score=%{score}/%{threshold} why: %{reasons}"')
        cfg["tempfail_reply"] = 'tempfail_reply: "try later %{ip}"'
        cfg["weights"] = "weights:\n  ptr_generic: 7"
        conf = os.path.join(work, "rdns-milter.yaml")
        write_config(conf, cfg)
        m = Milter(args.milter, conf, work).start()
        try:
            r = mt_dialogue(m.sock, "203.0.113.66", "local%host", "<x@good.milter.test>",
                            "<user@example.milter.test>")
            if [c for c, _ in r] != [b"c", b"c", b"c", b"y"]:
                raise Fail("replies %r" % r)
            text = r[-1][1].rstrip(b"\0").decode()
            want = ("550 5.7.1 100%% sure: 203.0.113.66 ptr=none helo=local%%host "
                    "score=8.0/7.0 why: no PTR record for the client address, "
                    "HELO is not a fully qualified domain name")
            if not text.startswith(want):
                raise Fail("reply %r does not start with %r" % (text, want))
            if len(text) > 512 or re.search(r"[^ -~]", text):
                raise Fail("reply %r" % text)
            # every '%' doubled for smfi_setreply: no single '%' remains
            if re.search(r"(?<!%)%(?!%)", text.replace("%%", "")):
                raise Fail("single %% in %r" % text)
            # A reward that counts (helo_confirms, -1) is no reason to refuse:
            # 3 + 7 - 1 = 9 rejects, and the reasons name the hits only.
            r = mt_dialogue(m.sock, "203.0.113.87", "relay.corp.milter.test",
                            "<x@good.milter.test>", "<user@example.milter.test>")
            text = r[-1][1].rstrip(b"\0").decode()
            want = ("550 5.7.1 100%% sure: 203.0.113.87 ptr=87-113-0-203.dyn.isp.milter.test "
                    "helo=relay.corp.milter.test score=9.0/7.0 why: the PTR name does not "
                    "resolve back to the client address, the PTR name looks like a dynamic "
                    "or residential address")
            if not text.startswith(want) or "HELO name resolves" in text:
                raise Fail("reply %r does not start with %r" % (text, want))
            m.stop()
        finally:
            m.kill()
    finally:
        shutil.rmtree(work, ignore_errors=True)


# ---- statistics: rdns-milter -S, SIGUSR1, the stats_interval timer ------------

# Six sessions whose counts are known exactly:
#   1 good client, one message accepted               iprev=pass
#   2 bad client (no PTR, HELO localhost): RCPT user refused, RCPT postmaster
#     rescued, that message accepted at EOM           iprev=permerror
#   3 the bad client again, authenticated: not scored iprev=permerror
#   4 trusted_networks client: accepted at connect, not scored
#   5 whitelisted address: accepted, no DNS           iprev none
#   6 no client address: accepted                     iprev none
#   7 its PTR lookup fails (SERVFAIL), HELO localhost: 3 certain and up to
#     6 more, so RCPT gets a 451                      iprev=temperror
STATS_SCRIPT = """
dofile(os.getenv("MILTER_TESTDIR") .. "/common.lua")

local conn = open_conn()
step(conn, "conninfo", SMFIR_CONTINUE, "mail.good.milter.test", "203.0.113.10")
step(conn, "helo", SMFIR_CONTINUE, "mail.good.milter.test")
step(conn, "mailfrom", SMFIR_CONTINUE, "<a@good.milter.test>")
step(conn, "rcptto", SMFIR_CONTINUE, "<user@example.milter.test>")
check(mt.eom(conn) == nil, "eom 1")
mt.disconnect(conn)

conn = open_conn()
step(conn, "conninfo", SMFIR_CONTINUE, "unknown", "203.0.113.66")
step(conn, "helo", SMFIR_CONTINUE, "localhost")
step(conn, "mailfrom", SMFIR_CONTINUE, "<x@good.milter.test>")
step(conn, "rcptto", SMFIR_REPLYCODE, "<user@example.milter.test>")
step(conn, "rcptto", SMFIR_CONTINUE, "<postmaster>")
check(mt.eom(conn) == nil, "eom 2")
mt.disconnect(conn)

conn = open_conn()
step(conn, "conninfo", SMFIR_CONTINUE, "unknown", "203.0.113.66")
step(conn, "helo", SMFIR_CONTINUE, "localhost")
mt.macro(conn, SMFIC_MAIL, "{auth_authen}", "alice")
step(conn, "mailfrom", SMFIR_CONTINUE, "<x@good.milter.test>")
step(conn, "rcptto", SMFIR_CONTINUE, "<user@example.milter.test>")
mt.disconnect(conn)

conn = open_conn()
step(conn, "conninfo", SMFIR_ACCEPT, "relay.milter.test", "203.0.113.99")
mt.disconnect(conn)

conn = open_conn()
step(conn, "conninfo", SMFIR_CONTINUE, "friend.milter.test", "203.0.113.50")
step(conn, "helo", SMFIR_CONTINUE, "localhost")
step(conn, "mailfrom", SMFIR_CONTINUE, "<f@good.milter.test>")
step(conn, "rcptto", SMFIR_CONTINUE, "<user@example.milter.test>")
check(mt.eom(conn) == nil, "eom 5")
mt.disconnect(conn)

conn = open_conn()
step(conn, "conninfo", SMFIR_CONTINUE, "localhost", "unspec")
step(conn, "helo", SMFIR_CONTINUE, "mail.good.milter.test")
step(conn, "mailfrom", SMFIR_CONTINUE, "<a@good.milter.test>")
step(conn, "rcptto", SMFIR_CONTINUE, "<user@example.milter.test>")
check(mt.eom(conn) == nil, "eom 6")
mt.disconnect(conn)

conn = open_conn()
step(conn, "conninfo", SMFIR_CONTINUE, "unknown", "203.0.113.77")
step(conn, "helo", SMFIR_CONTINUE, "localhost")
step(conn, "mailfrom", SMFIR_CONTINUE, "<a@good.milter.test>")
step(conn, "rcptto", SMFIR_REPLYCODE, "<user@example.milter.test>")
mt.disconnect(conn)
"""

STATS_EXPECT = {
    "connections": 7, "active": 0, "trusted": 1, "messages": 6, "authenticated": 1,
    "whitelisted": 1,
    "accept": 4, "reject": 1, "tempfail": 1, "never_reject": 1,
    "reject_connect": 0, "reject_helo": 0, "reject_mail": 0, "reject_rcpt": 1,
    "tempfail_connect": 0, "tempfail_helo": 0, "tempfail_mail": 0, "tempfail_rcpt": 1,
    "iprev_pass": 1, "iprev_fail": 0, "iprev_permerror": 2, "iprev_temperror": 1,
    "iprev_none": 2, "dns_temperror_sessions": 1,
    # session 2: its refusal, its rescue and its accepted message; session 7
    "hit_ptr_none": 3, "hit_helo_not_fqdn": 4, "hit_fcrdns_fail": 0, "hit_ptr_generic": 0,
    "hit_helo_literal_mismatch": 0, "hit_helo_unresolvable": 0, "hit_helo_ptr_mismatch": 0,
    # session 7: its 451
    "hit_from_not_fqdn": 0, "hit_from_domain_invalid": 0, "hit_dns_temperror": 1,
    # session 1: the good server's accepted message earns both rewards
    "hit_helo_confirms": 1, "hit_sender_mx_match": 1,
}
STATS_NAMES = ["uptime", "connections", "active", "trusted", "messages", "authenticated",
               "whitelisted", "accept", "reject", "tempfail", "never_reject",
               "reject_connect", "reject_helo", "reject_mail", "reject_rcpt",
               "tempfail_connect", "tempfail_helo", "tempfail_mail", "tempfail_rcpt",
               "forged_overflow", "monitor_reject", "monitor_tempfail", "monitor_reject_connect",
               "monitor_reject_helo", "monitor_reject_mail", "monitor_reject_rcpt",
               "monitor_tempfail_connect", "monitor_tempfail_helo", "monitor_tempfail_mail",
               "monitor_tempfail_rcpt",
               "iprev_pass", "iprev_fail", "iprev_permerror", "iprev_temperror", "iprev_none",
               "hit_ptr_none", "hit_fcrdns_fail", "hit_ptr_generic", "hit_helo_not_fqdn",
               "hit_helo_literal_mismatch", "hit_helo_unresolvable", "hit_helo_ptr_mismatch",
               "hit_from_not_fqdn", "hit_from_domain_invalid", "hit_dns_temperror",
               "hit_helo_confirms", "hit_sender_mx_match",
               "dns_lookups", "dns_temperror_sessions", "cache_hits", "cache_misses",
               "cache_hit_rate", "cache_entries", "cache_capacity", "cache_inserts",
               "cache_evictions", "cache_expired", "cache_uncacheable",
               "dns_unwanted_replies", "fd_open", "fd_limit", "fd_warnings", "accept_failures"]


def stats_query(args, conf, spec, *extra):
    return subprocess.run([args.milter, "-S", "-c", conf, "-s", spec] + list(extra),
                          capture_output=True, text=True, timeout=20)


def stats_parse(text):
    """'name value' lines -> ordered [(name, value)]; anything else fails."""
    out = []
    for line in text.splitlines():
        m = re.fullmatch(r"([a-z_]+) (\d+(?:\.\d)?)", line)
        if not m:
            raise Fail("-S line %r is not 'name value'" % line)
        out.append((m.group(1), m.group(2)))
    return out


def stats_check_dns(got, where):
    hits, misses = int(got["cache_hits"]), int(got["cache_misses"])
    if int(got["dns_lookups"]) != hits + misses:
        raise Fail("%s: dns_lookups %s != cache_hits + cache_misses" % (where, got["dns_lookups"]))
    # Sessions 2 and 3 ask the PTR of 203.0.113.66: the second is answered
    # from the cache (NXDOMAIN kept 600 s), as is everything asked again.
    if hits < 1 or misses < 1 or int(got["cache_capacity"]) <= 0:
        raise Fail("%s: cache counters %r" % (where, got))
    want = "%.1f" % (hits * 100.0 / (hits + misses))
    if got["cache_hit_rate"] != want:
        raise Fail("%s: cache_hit_rate %s, expected %s" % (where, got["cache_hit_rate"], want))


def builtin_stats(args, ns):
    with dnsfixture.FaultDNS(upstream=ns.resolver,
                             rules=[(r"^77\.113\.0\.203\.in-addr\.arpa$", "servfail")]) as fault:
        stats_session(args, fault)


def stats_setup(ns, work):
    """The config (one trusted, one whitelisted client) and the miltertest
    script STATS_SCRIPT of the statistics sessions, written into work."""
    cfg = base_config(ns.resolver, work)
    cfg["trusted_networks"] = 'trusted_networks: ["203.0.113.99"]'
    cfg["whitelist"] = 'whitelist: ["203.0.113.50/32"]'
    conf = os.path.join(work, "rdns-milter.yaml")
    write_config(conf, cfg)
    script = os.path.join(work, "t-stats.lua")
    with open(script, "w") as f:
        f.write(STATS_SCRIPT)
    return conf, script


def stats_session(args, ns):
    work = tempfile.mkdtemp(prefix="rdns-milter-t-")
    try:
        conf, script = stats_setup(ns, work)
        ctl = os.path.join(work, "milter.sock.ctl")

        # No daemon yet: -S says so and exits 1.
        r = stats_query(args, conf, "unix:" + os.path.join(work, "milter.sock"))
        if r.returncode != 1 or r.stdout or "no daemon answers on " + ctl not in r.stderr:
            raise Fail("-S without daemon: rc %d stdout %r stderr %r"
                       % (r.returncode, r.stdout, r.stderr))
        # An inet milter socket has no control socket unless one is configured.
        r = stats_query(args, conf, "inet:10025@127.0.0.1")
        if r.returncode != 1 or r.stdout or "no control socket" not in r.stderr:
            raise Fail("-S for inet: rc %d stdout %r stderr %r" % (r.returncode, r.stdout,
                                                                    r.stderr))

        m = Milter(args.milter, conf, work).start()
        try:
            wait_log(m, "statistics on " + re.escape(ctl))
            mode = os.stat(ctl).st_mode
            if not stat_is_socket(mode) or (mode & 0o777) != 0o660:
                raise Fail("control socket mode %o" % mode)

            # Fresh daemon: every counter present, in order, all zero.
            r = stats_query(args, conf, m.spec)
            if r.returncode != 0 or r.stderr:
                raise Fail("-S: rc %d stderr %r" % (r.returncode, r.stderr))
            pairs = stats_parse(r.stdout)
            if [n for n, _ in pairs] != STATS_NAMES:
                raise Fail("-S names %r" % [n for n, _ in pairs])
            if any(v not in ("0", "0.0") for n, v in pairs
                   if n not in ("uptime", "cache_capacity", "fd_open", "fd_limit")):
                raise Fail("fresh daemon counts %r" % pairs)

            run_miltertest(script, m)
            # close callbacks run after miltertest's QUIT: wait until none is open.
            deadline = time.monotonic() + 10
            while True:
                r = stats_query(args, conf, m.spec)
                got = dict(stats_parse(r.stdout))
                if r.returncode == 0 and got.get("connections") == "7" and got["active"] == "0":
                    break
                if time.monotonic() > deadline:
                    raise Fail("sessions never all closed: %r %r" % (r.stdout, r.stderr))
                time.sleep(0.05)
            bad = {k: (got.get(k), str(v)) for k, v in STATS_EXPECT.items()
                   if got.get(k) != str(v)}
            if bad:
                raise Fail("counters (got, expected): %r\n%s" % (bad, m.read_log()[-3000:]))
            stats_check_dns(got, "-S")

            # Requests other than "stats" get one error line, the counters
            # stay the daemon's; a client that says nothing is dropped.
            for req in (b"status\n", b"stats extra\n", b"x" * 500, b""):
                s = socket.socket(socket.AF_UNIX)
                s.settimeout(10)
                s.connect(ctl)
                t0 = time.monotonic()
                if req:
                    s.sendall(req)
                answer = s.recv(4096)
                s.close()
                if req and not answer.startswith(b"error: unknown request"):
                    raise Fail("request %r answered %r" % (req[:20], answer))
                if not req and (answer != b"" or time.monotonic() - t0 > 5):
                    raise Fail("silent client: %r after %.1f s" % (answer,
                                                                   time.monotonic() - t0))

            # SIGUSR1: the same counters in the log, no stats line before it.
            if "stats:" in m.read_log():
                raise Fail("stats logged before SIGUSR1:\n" + m.read_log())
            m.proc.send_signal(signal.SIGUSR1)
            wait_log(m, r"^rdns-milter\[\d+\]: stats: uptime=\d+ connections=7 active=0 "
                        r"trusted=1 messages=6 authenticated=1 whitelisted=1$")
            wait_log(m, r"stats: accept=4 reject=1 tempfail=1 never_reject=1 "
                        r"reject_connect=0 reject_helo=0 reject_mail=0 reject_rcpt=1 "
                        r"tempfail_connect=0 tempfail_helo=0 tempfail_mail=0 tempfail_rcpt=1 "
                        r"forged_overflow=0$")
            wait_log(m, r"stats: iprev_pass=1 iprev_fail=0 iprev_permerror=2 "
                        r"iprev_temperror=1 iprev_none=2$")
            wait_log(m, r"stats: hit_ptr_none=3 hit_fcrdns_fail=0 hit_ptr_generic=0 "
                        r"hit_helo_not_fqdn=4 .* hit_dns_temperror=1 "
                        r"hit_helo_confirms=1 hit_sender_mx_match=1$")
            wait_log(m, r"stats: dns_lookups=\d+ dns_temperror_sessions=1 cache_hits=\d+ "
                        r"cache_misses=\d+ cache_hit_rate=\d+\.\d% ")
            if m.proc.poll() is not None:
                raise Fail("SIGUSR1 stopped the daemon")
            if len(re.findall(r"stats: uptime=", m.read_log())) != 1:
                raise Fail("one SIGUSR1, one stats report:\n" + m.read_log())
            m.stop()
            # The last word at stop, and the control socket is gone.
            if len(re.findall(r"stats: uptime=\d+ connections=7 ", m.read_log())) != 2:
                raise Fail("no stats at stop:\n" + m.read_log()[-2000:])
            if os.path.exists(ctl):
                raise Fail("control socket %s left behind" % ctl)
            r = stats_query(args, conf, m.spec)
            if r.returncode != 1 or "no daemon answers" not in r.stderr:
                raise Fail("-S after stop: rc %d stderr %r" % (r.returncode, r.stderr))
        finally:
            m.kill()
    finally:
        shutil.rmtree(work, ignore_errors=True)


def stat_is_socket(mode):
    import stat
    return stat.S_ISSOCK(mode)


def builtin_stats_interval(args, ns):
    """Every stats_interval seconds a report, without any signal."""
    work = tempfile.mkdtemp(prefix="rdns-milter-t-")
    try:
        conf = os.path.join(work, "rdns-milter.yaml")
        cfg = base_config(ns.resolver, work)
        cfg["milter"] += "  stats_interval: 1\n"
        write_config(conf, cfg)
        m = Milter(args.milter, conf, work).start()
        try:
            t0 = time.monotonic()
            while len(re.findall(r"stats: uptime=\d+ connections=0 ", m.read_log())) < 2:
                if time.monotonic() - t0 > 10:
                    raise Fail("no two reports within 10 s:\n" + m.read_log())
                time.sleep(0.05)
            took = time.monotonic() - t0
            if took < 1.0:
                raise Fail("two reports %.2f s after start: not one per second" % took)
            r = stats_query(args, conf, m.spec)
            if r.returncode != 0 or "connections 0\n" not in r.stdout:
                raise Fail("-S: rc %d %r %r" % (r.returncode, r.stdout, r.stderr))
            m.stop()
        finally:
            m.kill()
    finally:
        shutil.rmtree(work, ignore_errors=True)


def sighup_caught(pid):
    """Has process pid installed a SIGHUP handler (SigCgt bit 1)?"""
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("SigCgt:"):
                    return int(line.split()[1], 16) & (1 << (signal.SIGHUP - 1)) != 0
    except OSError:
        pass
    return False


def builtin_signals_at_start(args, ns):
    """A SIGHUP right after start-up (the moment the process catches it,
    long before the socket is open, and again the moment the daemon says
    it listens) reloads; it neither kills the daemon (default action) nor
    stops it (libmilter's own signal thread treats SIGHUP as stop). And
    systemd hears READY=1, so with Type=notify it never reloads earlier."""
    work = tempfile.mkdtemp(prefix="rdns-milter-t-")
    try:
        conf = os.path.join(work, "rdns-milter.yaml")
        write_config(conf, base_config(ns.resolver, work))
        notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        notify_path = os.path.join(work, "notify.sock")
        notify.bind(notify_path)
        notify.settimeout(10)
        env = dict(os.environ, NOTIFY_SOCKET=notify_path)
        sock = os.path.join(work, "milter.sock")
        log = os.path.join(work, "milter.log")
        for attempt in range(20):
            with open(log, "w") as logf:
                p = subprocess.Popen([args.milter, "-f", "-c", conf, "-s", "unix:" + sock],
                                     stdin=subprocess.DEVNULL, stdout=logf, stderr=logf, env=env)
            try:
                deadline = time.monotonic() + 10
                while not sighup_caught(p.pid):       # as early as it can be
                    if p.poll() is not None or time.monotonic() > deadline:
                        raise Fail("start %d: SIGHUP never caught" % attempt)
                p.send_signal(signal.SIGHUP)
                while "listening on" not in open(log, errors="replace").read():
                    if p.poll() is not None or time.monotonic() > deadline:
                        raise Fail("start %d: daemon gone after an early SIGHUP (rc %r):\n%s"
                                   % (attempt, p.poll(), open(log, errors="replace").read()))
                    time.sleep(0.002)
                p.send_signal(signal.SIGHUP)          # the moment it listens
                msg = notify.recv(256)
                if msg != b"READY=1":
                    raise Fail("start %d: sd_notify sent %r" % (attempt, msg))
                time.sleep(0.3)
                if p.poll() is not None:
                    raise Fail("start %d: daemon stopped after SIGHUP (rc %r):\n%s"
                               % (attempt, p.returncode, open(log, errors="replace").read()))
                c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                c.connect(sock)                       # still serving
                c.close()
            finally:
                if p.poll() is None:
                    p.kill()
                p.wait()
        notify.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)


def proc_ids(pid):
    """(uid, gid) of a running process, from /proc."""
    ids = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(("Uid:", "Gid:")):
                ids[line[:3]] = int(line.split()[1])
    return ids["Uid"], ids["Gid"]


def start_as(args, conf, sock, user, work):
    """Starts the daemon as root with -u USER on sock, logging to
    work/milter.log; returns (process, log path) once it listens."""
    log = os.path.join(work, "milter.log")
    with open(log, "w") as logf:
        p = subprocess.Popen([args.milter, "-f", "-c", conf, "-s", "unix:" + sock, "-u", user],
                             stdin=subprocess.DEVNULL, stdout=logf, stderr=logf)
    deadline = time.monotonic() + 10
    while "listening on" not in open(log, errors="replace").read():
        if p.poll() is not None or time.monotonic() > deadline:
            p.kill()
            p.wait()
            raise Fail("-u %s: did not start:\n%s" % (user, open(log).read()))
        time.sleep(0.05)
    return p, log


def builtin_privileges(args, ns):
    """As root without milter.user it refuses to start; with -u it opens
    the socket as root (mode from the config), then runs as that user and
    cannot get root back."""
    import pwd
    work = tempfile.mkdtemp(prefix="rdns-milter-t-")
    try:
        os.chmod(work, 0o755)
        conf = os.path.join(work, "rdns-milter.yaml")
        cfg = base_config(ns.resolver, work)
        cfg["milter"] = cfg["milter"].replace("  user: root\n", "  user: \"\"\n")
        cfg["milter"] += "  socket_mode: \"0660\"\n"
        write_config(conf, cfg)
        sock = os.path.join(work, "milter.sock")
        r = subprocess.run([args.milter, "-f", "-c", conf, "-s", "unix:" + sock],
                           capture_output=True, text=True, timeout=20)
        if r.returncode != 1 or "refusing to run as root" not in r.stderr:
            raise Fail("as root without a user: rc %d stderr %r" % (r.returncode, r.stderr))
        if os.path.exists(sock):
            raise Fail("socket opened although the daemon refused to run")
        nobody = pwd.getpwnam("nobody")
        p, log = start_as(args, conf, sock, "nobody", work)
        try:
            if proc_ids(p.pid) != (nobody.pw_uid, nobody.pw_gid):
                raise Fail("-u nobody: runs as %r" % (proc_ids(p.pid),))
            st = os.stat(sock)
            if st.st_uid != nobody.pw_uid or (st.st_mode & 0o777) != 0o660:
                raise Fail("socket owner %d mode %o" % (st.st_uid, st.st_mode & 0o777))
        finally:
            p.kill()
            p.wait()
    finally:
        shutil.rmtree(work, ignore_errors=True)


def builtin_shared_budget(args, ns):
    """All DNS of one client shares dns.budget_ms, even when its stages
    overlap: with a DNS server that never answers, a 1.5 s budget and HELO
    1 s after connect, the answer to RCPT comes about 1.5 s after connect
    (not 1 s + a fresh 1.5 s), and it is a 451, never a 5xx."""
    work = tempfile.mkdtemp(prefix="rdns-milter-t-")
    silent = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    silent.bind(("127.0.0.1", 0))
    try:
        conf = os.path.join(work, "rdns-milter.yaml")
        cfg = base_config(ns.resolver, work)
        cfg["dns"] = ("dns:\n  resolvers: [\"127.0.0.1:%d\"]\n  timeout_ms: 1000\n"
                      "  retries: 3\n  budget_ms: 1500\n" % silent.getsockname()[1])
        write_config(conf, cfg)
        m = Milter(args.milter, conf, work).start()
        try:
            t0 = time.monotonic()
            r = mt_dialogue(m.sock, "203.0.113.77", "mail.example.milter.test",
                            "<a@example.milter.test>", "<user@example.milter.test>",
                            pause_after_connect=1.0)
            took = time.monotonic() - t0
            if [c for c, _ in r][:3] != [b"c", b"c", b"c"] or r[-1][0] == b"r":
                raise Fail("replies %r" % (r,))
            if r[-1][0] == b"y" and not r[-1][1].startswith(b"451"):
                raise Fail("RCPT reply %r: DNS trouble must never give a 5xx" % (r[-1],))
            if not 1.4 <= took < 2.1:
                raise Fail("RCPT answered %.2f s after connect; the shared 1.5 s budget "
                           "should end it at about 1.5 s" % took)
            m.stop()
        finally:
            m.kill()
    finally:
        silent.close()
        shutil.rmtree(work, ignore_errors=True)


def builtin_stage_handoff(args, ns):
    """dns.prefetch_min_rtt_ms: while the resolver answers fast, a stage
    runs in the callback (the connect reply waits for a slow PTR answer);
    once slow answers raise the average above the line, stages go to the
    workers again (the connect reply comes at once, the answer later)."""
    work = tempfile.mkdtemp(prefix="rdns-milter-t-")
    slow = r"^8[89]\.113\.0\.203\.in-addr\.arpa$"
    try:
        with dnsfixture.FaultDNS(upstream=ns.resolver, rules=[(slow, "delay")],
                                 delay_ms=600) as fault:
            conf = os.path.join(work, "rdns-milter.yaml")
            cfg = base_config(fault.resolver, work)
            cfg["dns"] = ("dns:\n  resolvers: [\"%s\"]\n  timeout_ms: 2000\n  retries: 0\n"
                          "  budget_ms: 5000\n  prefetch_min_rtt_ms: 20\n" % fault.resolver)
            write_config(conf, cfg)
            m = Milter(args.milter, conf, work).start()
            try:
                def session(ip):
                    t = []
                    r = mt_dialogue(m.sock, ip, "relay.corp.milter.test", "<x@good.milter.test>",
                                    "<user@example.milter.test>", times=t)
                    if [c for c, _ in r][:3] != [b"c", b"c", b"c"]:
                        raise Fail("%s: replies %r" % (ip, r))
                    return t
                session("203.0.113.66")                 # fast answers: the average
                t = session("203.0.113.88")
                if t[0] < 0.5:
                    raise Fail("with a fast resolver the connect stage should run in the "
                               "callback: connect answered in %.3f s, its PTR takes 0.6 s" % t[0])
                t = session("203.0.113.89")
                if t[0] > 0.3:
                    raise Fail("after a 0.6 s answer the stage should go to a worker: connect "
                               "answered in %.3f s" % t[0])
                if sum(t) < 0.5:
                    raise Fail("the slow PTR answer was never waited for: %r" % t)
                m.stop()
            finally:
                m.kill()
    finally:
        shutil.rmtree(work, ignore_errors=True)


# ---- -S -F prometheus ------------------------------------------------------

# The line-form counters that are sums or ratios of others: left to PromQL.
PROM_DERIVED = {"reject", "tempfail", "monitor_reject", "monitor_tempfail", "cache_hit_rate"}


def builtin_stats_prometheus(args, ns):
    with dnsfixture.FaultDNS(upstream=ns.resolver,
                             rules=[(r"^77\.113\.0\.203\.in-addr\.arpa$", "servfail")]) as fault:
        stats_prometheus_session(args, fault)


def stats_prometheus_session(args, ns):
    """The STATS_SCRIPT sessions, then -S -F prometheus: strictly valid
    text format, the same counts as the "name value" lines, with labels."""
    import promtext
    work = tempfile.mkdtemp(prefix="rdns-milter-t-")
    try:
        conf, script = stats_setup(ns, work)
        for bad in (["-F", "json"], ["-F", ""]):
            r = stats_query(args, conf, "unix:" + os.path.join(work, "milter.sock"), *bad)
            if r.returncode != 2 or r.stdout or "unknown format" not in r.stderr:
                raise Fail("-S %s: rc %d %r %r" % (bad, r.returncode, r.stdout, r.stderr))
        r = subprocess.run([args.milter, "-F", "prometheus"], capture_output=True, text=True)
        if r.returncode != 2 or "only goes with -S" not in r.stderr:
            raise Fail("-F without -S: rc %d %r" % (r.returncode, r.stderr))
        m = Milter(args.milter, conf, work).start()
        try:
            run_miltertest(script, m)
            deadline = time.monotonic() + 10
            while True:
                got = dict(stats_parse(stats_query(args, conf, m.spec).stdout))
                if got.get("connections") == "7" and got["active"] == "0":
                    break
                if time.monotonic() > deadline:
                    raise Fail("sessions never all closed: %r" % got)
                time.sleep(0.05)
            r = stats_query(args, conf, m.spec, "-F", "prometheus")
            if r.returncode != 0 or r.stderr:
                raise Fail("-S -F prometheus: rc %d stderr %r" % (r.returncode, r.stderr))
            try:
                fams = promtext.parse(r.stdout)
            except promtext.PromError as e:
                raise Fail("not valid Prometheus text format: %s\n%s" % (e, r.stdout))
            lines = dict(stats_parse(stats_query(args, conf, m.spec).stdout))
            v = lambda name, **lab: promtext.value(fams, name, **lab)   # noqa: E731
            bad = [n for n in fams if not n.startswith("rdns_milter_")]
            if bad:
                raise Fail("metrics without the rdns_milter_ prefix: %r" % bad)
            info = fams["rdns_milter_info"]["samples"]
            if list(info.values()) != [1.0] or dict(list(info)[0]).get("mode") != "enforce" \
                    or not re.fullmatch(r"\d+\.\d+\.\d+", dict(list(info)[0]).get("version", "")):
                raise Fail("rdns_milter_info %r" % info)
            want = {
                ("rdns_milter_connections_total", ()): 7,
                ("rdns_milter_active_sessions", ()): 0,
                ("rdns_milter_trusted_sessions_total", ()): 1,
                ("rdns_milter_messages_total", ()): 6,
                ("rdns_milter_authenticated_messages_total", ()): 1,
                ("rdns_milter_whitelisted_sessions_total", ()): 1,
                ("rdns_milter_accepted_messages_total", ()): 4,
                ("rdns_milter_never_reject_total", ()): 1,
                ("rdns_milter_dns_temperror_sessions_total", ()): 1,
            }
            for st in ("connect", "helo", "mail", "rcpt"):
                for act in ("reject", "tempfail"):
                    want[("rdns_milter_refusals_total", (("action", act), ("stage", st)))] = \
                        1 if st == "rcpt" else 0
                    want[("rdns_milter_monitor_refusals_total",
                          (("action", act), ("stage", st)))] = 0
            for res, n in (("pass", 1), ("fail", 0), ("permerror", 2), ("temperror", 1),
                           ("none", 2)):
                want[("rdns_milter_iprev_sessions_total", (("result", res),))] = n
            for name, n in STATS_EXPECT.items():
                if name.startswith("hit_"):
                    want[("rdns_milter_check_hits_total", (("check", name[4:]),))] = n
            for key in ("hits", "misses", "inserts", "evictions", "expired", "uncacheable"):
                want[("rdns_milter_dns_cache_%s_total" % key, ())] = int(lines["cache_" + key])
            want[("rdns_milter_dns_cache_entries", ())] = int(lines["cache_entries"])
            want[("rdns_milter_dns_cache_capacity", ())] = int(lines["cache_capacity"])
            want[("rdns_milter_dns_lookups_total", ())] = int(lines["dns_lookups"])
            wrong = {k: (v(k[0], **dict(k[1])), n) for k, n in want.items()
                     if v(k[0], **dict(k[1])) != n}
            if wrong:
                raise Fail("prometheus (got, expected): %r\n%s" % (wrong, r.stdout))
            for name, typ in (("rdns_milter_uptime_seconds", "gauge"),
                              ("rdns_milter_active_sessions", "gauge"),
                              ("rdns_milter_dns_cache_entries", "gauge"),
                              ("rdns_milter_refusals_total", "counter")):
                if fams[name]["type"] != typ or not fams[name]["help"]:
                    raise Fail("%s: type %r help %r" % (name, fams[name]["type"],
                                                         fams[name]["help"]))
            # Every counter of the line form is there, none twice: one
            # sample each, but for the sums and ratios left to PromQL.
            samples = sum(len(f["samples"]) for n, f in fams.items() if n != "rdns_milter_info")
            if samples != len(lines) - len(PROM_DERIVED & set(lines)):
                raise Fail("%d samples for %d counters (%d derived)"
                           % (samples, len(lines), len(PROM_DERIVED & set(lines))))
            total = sum(val for n, f in fams.items() for val in f["samples"].values()
                        if n not in ("rdns_milter_info", "rdns_milter_uptime_seconds"))
            expect = sum(float(x) for n, x in lines.items()
                         if n not in PROM_DERIVED and n != "uptime")
            if total != expect:
                raise Fail("sum of samples %r != sum of counters %r" % (total, expect))
            # The control socket knows the request; a longer one is refused.
            s = socket.socket(socket.AF_UNIX)
            s.settimeout(10)
            s.connect(m.sock + ".ctl")
            s.sendall(b"stats prometheus extra\n")
            if not s.recv(4096).startswith(b"error: unknown request"):
                raise Fail("'stats prometheus extra' was not refused")
            s.close()
            m.stop()
        finally:
            m.kill()
    finally:
        shutil.rmtree(work, ignore_errors=True)


def builtin_version(args, ns):
    """-V (and rdns-check -V, --version): "rdns-milter VERSION", the
    project's version, status 0, nothing else."""
    with open(os.path.join(HERE, "..", "..", "CMakeLists.txt")) as f:
        version = re.search(r"project\(rdns-milter VERSION (\S+)", f.read()).group(1)
    check = os.path.join(os.path.dirname(args.milter), "rdns-check")
    for cmd in ([args.milter, "-V"], [check, "-V"], [check, "--version"]):
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=20)
        if r.returncode != 0 or r.stdout != "rdns-milter %s\n" % version or r.stderr:
            raise Fail("%s: rc %d stdout %r stderr %r" % (" ".join(cmd[-2:]), r.returncode,
                                                          r.stdout, r.stderr))


def builtin_user_group(args, ns):
    """-u USER:GROUP as OpenDKIM takes it: the group replaces the user's
    primary group (and milter.group) for the process and the socket; an
    unknown group or a malformed argument stops the start (status 1)."""
    import grp
    import pwd
    work = tempfile.mkdtemp(prefix="rdns-milter-t-")
    try:
        os.chmod(work, 0o755)
        conf = os.path.join(work, "rdns-milter.yaml")
        cfg = base_config(ns.resolver, work)
        cfg["milter"] = cfg["milter"].replace("  user: root\n", "  user: \"\"\n")
        cfg["milter"] += "  group: nogroup\n"       # -u's group must win over it
        write_config(conf, cfg)
        sock = os.path.join(work, "milter.sock")
        nobody = pwd.getpwnam("nobody")
        mail = grp.getgrnam("mail")
        if mail.gr_gid == nobody.pw_gid:
            raise Fail("group mail is nobody's primary group: the test proves nothing")
        for bad, why in (("nobody:no-such-group-rdns", "-u no-such-group-rdns: no such group"),
                         (":mail", "expected USER or USER:GROUP"),
                         ("nobody:", "expected USER or USER:GROUP"),
                         ("no-such-user-rdns:mail", "-u no-such-user-rdns: no such user")):
            r = subprocess.run([args.milter, "-f", "-c", conf, "-s", "unix:" + sock, "-u", bad],
                               capture_output=True, text=True, timeout=20)
            if r.returncode != 1 or why not in r.stderr or os.path.exists(sock):
                raise Fail("-u %s: rc %d stderr %r" % (bad, r.returncode, r.stderr))
        p, log = start_as(args, conf, sock, "nobody:mail", work)
        try:
            if proc_ids(p.pid) != (nobody.pw_uid, mail.gr_gid):
                raise Fail("-u nobody:mail: runs as %r" % (proc_ids(p.pid),))
            with open("/proc/%d/status" % p.pid) as f:
                groups = [l.split()[1:] for l in f if l.startswith("Groups:")][0]
            if groups != [str(mail.gr_gid)]:
                raise Fail("-u nobody:mail: supplementary groups %r" % groups)
            st = os.stat(sock)
            if (st.st_uid, st.st_gid) != (nobody.pw_uid, mail.gr_gid):
                raise Fail("socket owner %d:%d" % (st.st_uid, st.st_gid))
        finally:
            p.kill()
            p.wait()
    finally:
        shutil.rmtree(work, ignore_errors=True)


BUILTINS = {
    "stats": builtin_stats,
    "stats-interval": builtin_stats_interval,
    "usage": builtin_usage,
    "config-test": builtin_config_test,
    "sighup": builtin_sighup,
    "tcp-nodelay": builtin_tcp_nodelay,
    "reply-text": builtin_reply_text,
    "signals-at-start": builtin_signals_at_start,
    "privileges": builtin_privileges,
    "shared-budget": builtin_shared_budget,
    "stage-handoff": builtin_stage_handoff,
    "stats-prometheus": builtin_stats_prometheus,
    "version": builtin_version,
    "user-group": builtin_user_group,
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--milter", required=True)
    ap.add_argument("cases", nargs="+")
    args = ap.parse_args()
    args.milter = os.path.abspath(args.milter)
    failed = 0
    with dnsfixture.NSD(ZONES) as ns:
        for case in args.cases:
            try:
                if case.startswith("builtin:"):
                    BUILTINS[case[8:]](args, ns)
                else:
                    case_lua(args, ns, case)
                print("ok   %s" % case)
            except (Fail, subprocess.TimeoutExpired, AssertionError) as e:
                failed += 1
                print("FAIL %s: %s" % (case, e))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
