#!/usr/bin/env python3
"""
NAME
    test_daemon.py - rdns-milter as a Unix daemon: descriptors, files made
    as root, errors a postmaster can see

SYNOPSIS
    test_daemon.py --milter PATH --check PATH CASE...

DESCRIPTION
    Each CASE starts rdns-milter against NSD serving tests/milter/zones
    (the milter tests' fixture and protocol helpers are reused) and checks
    one promise of rdns-milter(8):

    fd-exhaustion       under a 64-descriptor limit, sessions held open
                        past it: a warning at 80 % and when accept fails,
                        no spinning, the daemon stays up and serves again
                        once sessions close; -S counts it
    pid-symlink         a symbolic link planted at the pid file's name is
                        replaced, its target untouched
    second-instance     a second daemon on a live socket exits 1 and says
                        why; the first keeps serving; a stale socket is
                        replaced, a file that is not a socket is not; at
                        stop only the daemon's own socket is removed
    config-not-regular  a FIFO or device as config: exit 2 at once (-t,
                        start, rdns-check), never a hang
    relative-config     -c with a relative path, daemonized: SIGHUP reads
                        the same file
    startup-errors      without -f, start-up errors reach stderr and the
                        exit status, also those after the fork
    check-socket        -t checks the socket path
    default-socket      the default socket on a machine without Postfix
                        (a private tmpfs over /var/spool): -t accepts it,
                        and the daemon makes /var/spool/postfix and its
                        own directory, then listens there
    run-as-user         -u with files in a root-owned directory: said once
                        at start that they will be left behind, no
                        "Permission denied" at stop
    fatal-log           a worker thread that cannot start: the abort is
                        logged in the daemon's log first
    dns-unwanted        spoofed DNS replies (wrong ID, wrong question) are
                        counted (-S dns_unwanted_replies) and warned about
                        past dns.unwanted_reply_threshold

    Everything listens on loopback or on Unix sockets in a temporary
    directory. Run as root (the -u cases switch to nobody).
"""

import argparse
import os
import pwd
import re
import resource
import shutil
import signal
import socket
import stat
import struct
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
MILTER_TESTS = os.path.join(HERE, "..", "milter")
sys.path.insert(0, MILTER_TESTS)
sys.path.insert(0, os.path.join(HERE, "..", "dns"))
import dnsfixture  # noqa: E402
import run_milter_tests as mt  # noqa: E402
from run_milter_tests import Fail  # noqa: E402

ZONES = mt.ZONES


def no_core():
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def start(m, preexec=None, extra=()):
    """Milter.start with a preexec_fn and extra arguments."""
    logf = open(m.log, "w")
    m.proc = subprocess.Popen([m.binary, "-f", "-c", m.conf, "-s", m.spec] + list(extra),
                              stdin=subprocess.DEVNULL, stdout=logf, stderr=logf,
                              preexec_fn=preexec or no_core)
    logf.close()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if m.proc.poll() is not None:
            raise Fail("rdns-milter exited %d at start:\n%s" % (m.proc.returncode,
                                                                  m.read_log()))
        if "listening on" in m.read_log():
            return m
        time.sleep(0.02)
    raise Fail("rdns-milter did not start:\n" + m.read_log())


def setup(ns, extra_cfg=None, mode=None):
    work = tempfile.mkdtemp(prefix="rdns-daemon-t-")
    if mode is not None:
        os.chmod(work, mode)
    cfg = mt.base_config(ns.resolver, work)
    for k, v in (extra_cfg or {}).items():
        cfg[k] = v
    conf = os.path.join(work, "rdns-milter.yaml")
    mt.write_config(conf, cfg)
    return work, cfg, conf


def stats(args, m):
    r = subprocess.run([args.milter, "-S", "-c", m.conf, "-s", m.spec], capture_output=True,
                       text=True, timeout=20)
    if r.returncode != 0:
        raise Fail("-S: rc %d stderr %r" % (r.returncode, r.stderr))
    return dict(mt.stats_parse(r.stdout))


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def open_session(path, ip="203.0.113.10", timeout=3.0):
    """Negotiates and sends a connect; returns the socket, or raises
    socket.timeout (with the socket in .stuck) when the daemon does not
    answer the negotiation: it could not accept the connection."""
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(timeout)
    s.connect(path)
    mt.mt_send(s, b"O", struct.pack("!III", 6, 0x1FF, 0x1FFFFF))
    try:
        cmd, _ = mt.mt_recv(s)
    except socket.timeout as e:
        e.stuck = s
        raise
    if cmd != b"O":
        raise Fail("negotiation reply %r" % cmd)
    mt.mt_send(s, b"C", b"client\0" + b"4" + struct.pack("!H", 25) + ip.encode() + b"\0")
    cmd, _ = mt.mt_recv(s)
    if cmd != b"c":
        raise Fail("connect reply %r" % cmd)
    return s


def dialogue_codes(path, ip="203.0.113.66", helo="localhost"):
    r = mt.mt_dialogue(path, ip, helo, "<a@good.milter.test>", "<user@good.milter.test>")
    return [c for c, _ in r], r


# ---- item 2: descriptors -----------------------------------------------------

def case_fd_exhaustion(args, ns):
    limit = 64

    def lower():
        no_core()
        resource.setrlimit(resource.RLIMIT_NOFILE, (limit, limit))

    work, cfg, conf = setup(ns)
    m = mt.Milter(args.milter, conf, work)
    sessions, stuck = [], None
    try:
        start(m, preexec=lower)
        mt.wait_log(m, r"file descriptors: limit %d; each milter session holds one" % limit)
        try:
            for _ in range(limit + 16):
                sessions.append(open_session(m.sock))
        except socket.timeout as e:
            stuck = e.stuck
        if stuck is None:
            raise Fail("%d sessions fit under a limit of %d descriptors?" % (len(sessions),
                                                                              limit))
        if len(sessions) < limit // 2:
            raise Fail("only %d sessions before the daemon stopped accepting:\n%s"
                       % (len(sessions), m.read_log()[-3000:]))
        mt.wait_log(m, r"warning: file descriptors running short: \d+ of %d in use" % limit)
        mt.wait_log(m, r"warning: cannot accept a milter connection: all %d file "
                       r"descriptors are in use" % limit)
        # libmilter's listener retries without end; it must not spin.
        t0, c0 = time.monotonic(), cpu_seconds(m.proc.pid)
        time.sleep(2.0)
        used = (cpu_seconds(m.proc.pid) - c0) / (time.monotonic() - t0)
        if used > 0.1:          # spinning measured 0.18 to 0.9 of a core
            raise Fail("the daemon burns %.0f%% of a core while out of descriptors"
                       % (used * 100))
        if m.proc.poll() is not None:
            raise Fail("daemon died out of descriptors:\n" + m.read_log()[-3000:])
        for s in sessions:
            s.close()
        sessions = []
        # The connection that waited in the backlog is served now...
        stuck.settimeout(10)
        cmd, _ = mt.mt_recv(stuck)
        if cmd != b"O":
            raise Fail("waiting connection answered %r" % cmd)
        stuck.close()
        stuck = None
        # ...and a fresh session gets its verdict.
        codes, r = dialogue_codes(m.sock)
        if codes != [b"c", b"c", b"c", b"y"] or not r[-1][1].startswith(b"550"):
            raise Fail("fresh session after recovery: %r" % (r,))
        got = stats(args, m)
        if int(got["fd_warnings"]) < 2 or int(got["accept_failures"]) < 1 \
                or got["fd_limit"] != str(limit) or not 0 < int(got["fd_open"]) < limit:
            raise Fail("-S after exhaustion: %r" % {k: v for k, v in got.items()
                                                   if k.startswith(("fd_", "accept"))})
        if len(re.findall(r"cannot accept a milter connection", m.read_log())) != 1:
            raise Fail("accept warning not rate-limited:\n" + m.read_log()[-3000:])
        m.stop()
    finally:
        for s in sessions + ([stuck] if stuck else []):
            s.close()
        m.kill()
        shutil.rmtree(work, ignore_errors=True)


# ---- item 3: files handled as root ------------------------------------------

def case_pid_symlink(args, ns):
    work, cfg, conf = setup(ns)
    m = mt.Milter(args.milter, conf, work)
    try:
        victim = os.path.join(work, "victim")
        with open(victim, "w") as f:
            f.write("precious\n")
        os.chmod(victim, 0o600)
        os.symlink(victim, m.pidfile)
        start(m)
        with open(victim) as f:
            if f.read() != "precious\n":
                raise Fail("the pid file's link was followed: victim overwritten")
        st = os.lstat(m.pidfile)
        if not stat.S_ISREG(st.st_mode) or st.st_nlink != 1:
            raise Fail("pid file is not a plain file: mode %o" % st.st_mode)
        with open(m.pidfile) as f:
            if f.read() != "%d\n" % m.proc.pid:
                raise Fail("pid file content")
        mt.wait_log(m, r"warning: pid file .*: was a symbolic link, not a file; replaced")
        m.stop()
        with open(victim) as f:
            if f.read() != "precious\n":
                raise Fail("victim changed at stop")
    finally:
        m.kill()
        shutil.rmtree(work, ignore_errors=True)


def run_second(args, conf, sock, timeout=15):
    return subprocess.run([args.milter, "-f", "-c", conf, "-s", "unix:" + sock],
                          stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=timeout, preexec_fn=no_core)


def case_second_instance(args, ns):
    work, cfg, conf = setup(ns)
    m = mt.Milter(args.milter, conf, work)
    try:
        start(m)
        ino = os.stat(m.sock).st_ino
        r = run_second(args, conf, m.sock)
        if r.returncode != 1 or "another rdns-milter is listening on " + m.sock not in r.stderr:
            raise Fail("second instance: rc %d stderr %r" % (r.returncode, r.stderr))
        if os.stat(m.sock).st_ino != ino or m.proc.poll() is not None:
            raise Fail("the second instance disturbed the first")
        codes, r = dialogue_codes(m.sock)
        if codes != [b"c", b"c", b"c", b"y"]:
            raise Fail("first instance after the second: %r" % (r,))
        m.stop()

        # A stale socket (nobody listens) is replaced.
        s = socket.socket(socket.AF_UNIX)
        s.bind(m.sock)
        s.close()
        start(m)
        mt.wait_log(m, "removed the stale socket " + re.escape(m.sock))
        m.stop()

        # A file that is not a socket is neither removed nor used.
        with open(m.sock, "w") as f:
            f.write("mine\n")
        r = run_second(args, conf, m.sock)
        if r.returncode != 1 or "exists and is not a socket" not in r.stderr:
            raise Fail("regular file at the socket path: rc %d stderr %r"
                       % (r.returncode, r.stderr))
        with open(m.sock) as f:
            if f.read() != "mine\n":
                raise Fail("the file at the socket path was changed")
        os.unlink(m.sock)

        # At stop, a socket someone else put at the path stays.
        start(m)
        os.unlink(m.sock)
        other = socket.socket(socket.AF_UNIX)
        other.bind(m.sock)
        other.listen(1)
        other_ino = os.stat(m.sock).st_ino
        p, m.proc = m.proc, None
        p.send_signal(signal.SIGTERM)
        if p.wait(20) != 0:
            raise Fail("stop: rc %d" % p.returncode)
        if not os.path.exists(m.sock) or os.stat(m.sock).st_ino != other_ino:
            raise Fail("the daemon removed a socket it did not make")
        other.close()
    finally:
        m.kill()
        shutil.rmtree(work, ignore_errors=True)


def case_config_not_regular(args, ns):
    work = tempfile.mkdtemp(prefix="rdns-daemon-t-")
    try:
        fifo = os.path.join(work, "fifo.yaml")
        os.mkfifo(fifo)
        sock = "unix:" + os.path.join(work, "milter.sock")
        for what, cmd in (("-t", [args.milter, "-t", "-c", fifo]),
                          ("start", [args.milter, "-f", "-c", fifo, "-s", sock]),
                          ("rdns-check", [args.check, "--config", fifo, "192.0.2.1"])):
            t0 = time.monotonic()
            try:
                r = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True,
                                   text=True, timeout=10)
            except subprocess.TimeoutExpired:
                raise Fail("%s with a FIFO as config hangs" % what)
            if r.returncode != 2 or fifo + ": not a regular file" not in r.stderr:
                raise Fail("%s with a FIFO: rc %d stderr %r" % (what, r.returncode, r.stderr))
            if time.monotonic() - t0 > 5:
                raise Fail("%s took %.1f s" % (what, time.monotonic() - t0))
        r = subprocess.run([args.milter, "-t", "-c", "/dev/null"], capture_output=True,
                           text=True, timeout=10)
        if r.returncode != 2 or "/dev/null: not a regular file" not in r.stderr:
            raise Fail("-t /dev/null: rc %d stderr %r" % (r.returncode, r.stderr))
    finally:
        shutil.rmtree(work, ignore_errors=True)


def pid_gone(pid, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


def case_relative_config(args, ns):
    """Daemonized (no -f: chdir "/"), with -c NAME relative to the
    directory it was started in: a reload reads that same file."""
    work, cfg, conf = setup(ns)
    sock = os.path.join(work, "milter.sock")
    pidfile = os.path.join(work, "milter.pid")
    pid = None
    try:
        r = subprocess.run([args.milter, "-c", "rdns-milter.yaml", "-s", "unix:" + sock],
                           cwd=work, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                           timeout=20, preexec_fn=no_core)
        if r.returncode != 0:
            raise Fail("start: rc %d stderr %r" % (r.returncode, r.stderr))
        deadline = time.monotonic() + 10
        while not (os.path.exists(pidfile) and os.path.exists(sock)):
            if time.monotonic() > deadline:
                raise Fail("no pid file or socket after start")
            time.sleep(0.05)
        with open(pidfile) as f:
            pid = int(f.read())
        if os.readlink("/proc/%d/cwd" % pid) != "/":
            raise Fail("daemon did not chdir to /")
        codes, r = dialogue_codes(sock)
        if codes[-1] != b"y":
            raise Fail("threshold 7: expected a refusal, got %r" % (r,))
        cfg["threshold"] = "threshold: 50"
        mt.write_config(conf, cfg)
        os.kill(pid, signal.SIGHUP)
        deadline = time.monotonic() + 10
        while True:
            codes, r = dialogue_codes(sock)
            if codes == [b"c", b"c", b"c", b"c"]:
                break
            if time.monotonic() > deadline:
                raise Fail("after SIGHUP the new threshold never applied: %r" % (r,))
            time.sleep(0.2)
        os.kill(pid, signal.SIGTERM)
        if not pid_gone(pid):
            raise Fail("daemon did not stop")
        pid = None
        if os.path.exists(sock) or os.path.exists(pidfile):
            raise Fail("socket or pid file left behind")
    finally:
        if pid is not None:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        shutil.rmtree(work, ignore_errors=True)


# ---- item 5: errors a postmaster can see ------------------------------------

def case_startup_errors(args, ns):
    """No -f: the log is syslog, yet whoever started the daemon sees why it
    did not start, on stderr and in the exit status."""
    work, cfg, conf = setup(ns)
    sock = "unix:" + os.path.join(work, "milter.sock")
    try:
        def run(*extra, conf_path=conf, spec=sock):
            return subprocess.run([args.milter, "-c", conf_path, "-s", spec] + list(extra),
                                  stdin=subprocess.DEVNULL, capture_output=True, text=True,
                                  timeout=20, preexec_fn=no_core)
        r = run("-u", "no-such-user-rdns")
        if r.returncode != 1 or not re.search(r"rdns-milter: error: -u no-such-user-rdns: "
                                              r"no such user \(create it", r.stderr):
            raise Fail("unknown user: rc %d stderr %r" % (r.returncode, r.stderr))
        r = run(spec="unix:/nonexistent-rdns-dir/milter.sock")
        if r.returncode != 1 or not re.search(r"error: cannot open milter socket: .*"
                                              r"/nonexistent-rdns-dir: No such file or "
                                              r"directory \(create it", r.stderr):
            raise Fail("socket directory missing: rc %d stderr %r" % (r.returncode, r.stderr))
        # An error after the fork (the pid file) reaches the starter too.
        cfg2 = dict(cfg)
        cfg2["milter"] = cfg["milter"].replace(os.path.join(work, "milter.pid"),
                                               "/nonexistent-rdns-dir/milter.pid")
        conf2 = os.path.join(work, "nopid.yaml")
        mt.write_config(conf2, cfg2)
        r = run(conf_path=conf2)
        if r.returncode != 1 or not re.search(r"error: pid file /nonexistent-rdns-dir/milter"
                                              r"\.pid: No such file", r.stderr):
            raise Fail("pid file error after fork: rc %d stderr %r" % (r.returncode, r.stderr))
        if os.path.exists(os.path.join(work, "milter.sock")):
            raise Fail("socket left behind by a failed start")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def case_check_socket(args, ns):
    work, cfg, conf = setup(ns)
    try:
        def check(spec):
            return subprocess.run([args.milter, "-t", "-c", conf, "-s", spec],
                                  capture_output=True, text=True, timeout=20)
        r = check("unix:/nonexistent-rdns-dir/milter.sock")
        if r.returncode != 2 or "directory /nonexistent-rdns-dir: No such file" not in r.stderr:
            raise Fail("-t, missing directory: rc %d stderr %r" % (r.returncode, r.stderr))
        plain = os.path.join(work, "plain")
        open(plain, "w").close()
        r = check("unix:" + plain)
        if r.returncode != 2 or "exists and is not a socket" not in r.stderr:
            raise Fail("-t, regular file: rc %d stderr %r" % (r.returncode, r.stderr))
        r = check("unix:" + os.path.join(work, "milter.sock"))
        if r.returncode != 0 or r.stderr:
            raise Fail("-t, good path: rc %d stderr %r" % (r.returncode, r.stderr))
        r = check("inet:10025@127.0.0.1")
        if r.returncode != 0:
            raise Fail("-t, inet: rc %d stderr %r" % (r.returncode, r.stderr))
    finally:
        shutil.rmtree(work, ignore_errors=True)


DEFAULT_SOCK = "/var/spool/postfix/rdns-milter/rdns-milter.sock"


def case_default_socket(args, ns):
    """Before Postfix is installed /var/spool/postfix does not exist: the
    default socket must still work (scripts/run on a fresh machine). Runs
    in a private mount namespace with an empty tmpfs over /var/spool."""
    work, cfg, conf = setup(ns)
    script = r"""
set -u
mount -t tmpfs none /var/spool || exit 90
"$1" -t -c "$2" -s "unix:$3" >/dev/null 2>"$4/t.err"; echo "t-rc=$?"
"$1" -f -c "$2" -s "unix:$3" -u nobody >"$4/log" 2>&1 &
pid=$!
i=0
while [ ! -S "$3" ] && [ $i -lt 150 ]; do sleep 0.1; i=$((i + 1)); done
stat -c 'dir %n %U %a' /var/spool/postfix /var/spool/postfix/rdns-milter 2>&1
stat -c 'sock %n %U %F' "$3" 2>&1
kill -TERM $pid; wait $pid; echo "stop-rc=$?"
"""
    try:
        r = subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c", script,
                            "sh", args.milter, conf, DEFAULT_SOCK, work],
                           capture_output=True, text=True, timeout=60)
        out = r.stdout
        if "t-rc=0" not in out:
            with open(os.path.join(work, "t.err")) as f:
                raise Fail("-t on the default socket without /var/spool/postfix: %r %r"
                           % (out, f.read()))
        want = ["dir /var/spool/postfix root 755", "dir /var/spool/postfix/rdns-milter nobody",
                "sock %s nobody socket" % DEFAULT_SOCK, "stop-rc=0"]
        for w in want:
            if w not in out:
                with open(os.path.join(work, "log")) as f:
                    raise Fail("want %r in %r; log:\n%s" % (w, out, f.read()[-2000:]))
        if os.path.exists(DEFAULT_SOCK) and not stat.S_ISSOCK(os.lstat(DEFAULT_SOCK).st_mode):
            raise Fail("something not a socket left at %s outside the namespace" % DEFAULT_SOCK)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def case_run_as_user(args, ns):
    """-u nobody, socket and pid file in a root-owned directory: the user
    cannot remove them at stop; said once at start, not as an error then."""
    work, cfg, conf = setup(ns, mode=0o755)
    m = mt.Milter(args.milter, conf, work)
    try:
        start(m, extra=["-u", "nobody"])
        nobody = pwd.getpwnam("nobody")
        if mt.proc_ids(m.proc.pid)[0] != nobody.pw_uid:
            raise Fail("not running as nobody")
        mt.wait_log(m, r"warning: running as nobody, which may not write their directory: "
                       + re.escape(m.sock) + r", .*" + re.escape(m.pidfile)
                       + r" will be left behind at stop")
        p, m.proc = m.proc, None
        p.send_signal(signal.SIGTERM)
        if p.wait(20) != 0:
            raise Fail("stop: rc %d" % p.returncode)
        log = m.read_log()
        if "Permission denied" in log or len(re.findall("left behind", log)) != 1:
            raise Fail("log at stop:\n" + log[-3000:])
    finally:
        m.kill()
        shutil.rmtree(work, ignore_errors=True)


def case_fatal_log(args, ns):
    """A worker thread that cannot start aborts the daemon, and says so in
    its own log first (syslog, or stderr with -f), not only on a stderr
    nobody reads."""
    work, cfg, conf = setup(ns, mode=0o755)
    m = mt.Milter(args.milter, conf, work)
    s = None
    try:
        start(m, extra=["-u", "nobody"])
        s = socket.socket(socket.AF_UNIX)
        s.settimeout(10)
        s.connect(m.sock)
        mt.mt_send(s, b"O", struct.pack("!III", 6, 0x1FF, 0x1FFFFF))
        if mt.mt_recv(s)[0] != b"O":
            raise Fail("negotiation")
        # The session's thread exists; no new thread may start now. Set
        # from a process of the daemon's own user and group: root may
        # lack CAP_SYS_RESOURCE (containers).
        nobody = pwd.getpwnam("nobody")
        child = os.fork()
        if child == 0:
            code = 1
            try:
                os.setgroups([])
                os.setgid(nobody.pw_gid)
                os.setuid(nobody.pw_uid)
                resource.prlimit(m.proc.pid, resource.RLIMIT_NPROC, (0, 0))
                code = 0
            finally:
                os._exit(code)
        if os.waitpid(child, 0)[1] != 0:
            raise Fail("prlimit as nobody failed")
        mt.mt_send(s, b"C", b"client\0" + b"4" + struct.pack("!H", 25) + b"203.0.113.10\0")
        try:
            rc = m.proc.wait(20)
        except subprocess.TimeoutExpired:
            raise Fail("daemon kept running without worker threads:\n" + m.read_log())
        m.proc = None
        if rc != -signal.SIGABRT:
            raise Fail("exit %r, expected an abort:\n%s" % (rc, m.read_log()[-3000:]))
        if not re.search(r"^rdns-milter\[\d+\]: error: cannot start a DNS worker thread: "
                         r"Resource temporarily unavailable", m.read_log(), re.M):
            raise Fail("no log line before the abort:\n" + m.read_log()[-3000:])
    finally:
        if s is not None:
            s.close()
        m.kill()
        shutil.rmtree(work, ignore_errors=True)


def case_dns_unwanted(args, ns):
    rules = [(r"^10\.113\.0\.203\.in-addr\.arpa$", "wrong_id"),
             (r"^11\.113\.0\.203\.in-addr\.arpa$", "wrong_question")]
    with dnsfixture.FaultDNS(upstream=ns.resolver, rules=rules) as fault:
        work, cfg, conf = setup(fault, {
            "dns": "dns:\n  resolvers: [\"%s\"]\n  timeout_ms: 300\n  retries: 0\n"
                   "  budget_ms: 2000\n  unwanted_reply_threshold: 4\n" % fault.resolver})
        m = mt.Milter(args.milter, conf, work)
        try:
            start(m)
            if stats(args, m)["dns_unwanted_replies"] != "0":
                raise Fail("unwanted replies before any query")
            for ip in ["203.0.113.10"] * 3 + ["203.0.113.11"] * 3:
                codes, r = dialogue_codes(m.sock, ip=ip, helo="mail.good.milter.test")
                if codes[:3] != [b"c", b"c", b"c"] or (codes[3] == b"y"
                                                       and r[3][1].startswith(b"5")):
                    raise Fail("spoofed PTR answers gave %r" % (r,))
            got = stats(args, m)
            if int(got["dns_unwanted_replies"]) < 6:
                raise Fail("dns_unwanted_replies %s, expected 6 or more"
                           % got["dns_unwanted_replies"])
            mt.wait_log(m, r"warning: \d+ DNS replies dropped as not ours \(wrong ID or "
                           r"question\) since start, \d+ in all: someone may be trying to "
                           r"spoof answers")
            if len(re.findall("DNS replies dropped", m.read_log())) != 1:
                raise Fail("more than one warning a minute:\n" + m.read_log()[-3000:])
            m.stop()
        finally:
            m.kill()
            shutil.rmtree(work, ignore_errors=True)


CASES = {
    "fd-exhaustion": case_fd_exhaustion,
    "pid-symlink": case_pid_symlink,
    "second-instance": case_second_instance,
    "config-not-regular": case_config_not_regular,
    "relative-config": case_relative_config,
    "startup-errors": case_startup_errors,
    "check-socket": case_check_socket,
    "default-socket": case_default_socket,
    "run-as-user": case_run_as_user,
    "fatal-log": case_fatal_log,
    "dns-unwanted": case_dns_unwanted,
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--milter", required=True)
    ap.add_argument("--check", required=True)
    ap.add_argument("cases", nargs="+")
    args = ap.parse_args()
    args.milter = os.path.abspath(args.milter)
    args.check = os.path.abspath(args.check)
    failed = 0
    with dnsfixture.NSD(ZONES) as ns:
        for case in args.cases:
            try:
                CASES[case](args, ns)
                print("ok   %s" % case)
            except (Fail, subprocess.TimeoutExpired, AssertionError, OSError) as e:
                failed += 1
                print("FAIL %s: %s" % (case, e))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
