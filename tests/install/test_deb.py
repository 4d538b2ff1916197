#!/usr/bin/env python3
"""
NAME
    test_deb - the Debian package: build, install, run, upgrade, purge

SYNOPSIS
    test_deb.py --source DIR

DESCRIPTION
    Builds the package with scripts/package (a scratch copy of the tree,
    dpkg-buildpackage -us -uc -b, lintian --pedantic must be clean) and,
    on this machine, as root:

    - dpkg -i; the files are where the package says, /etc/rdns-milter/
      rdns-milter.yaml is a conffile, the daemon links the shared
      libmilter.so.1.0.1 and exports the sigwait() that interposes on
      libmilter's (milter/sigwait_wrap.c);
    - postinst made a system user and group rdns-milter, put postfix in the
      group, and made /var/spool/postfix/rdns-milter (rdns-milter:
      rdns-milter, 0750);
    - the installed rdns-milter -t accepts the installed config, the
      installed rdns-check --classify calls a DSL name generic, and
      rdns-check IP --resolver 127.0.0.1:PORT scores real answers from NSD;
    - the daemon starts as systemd would start it (no systemd as PID 1
      here): the unit's ExecStartPre= and ExecStart= command lines, read
      from the installed unit, "+" ones as root, the others as its User=
      and Group= with their supplementary groups and its UMask=, with
      NOTIFY_SOCKET set. It says READY=1; its socket appears at the
      default below Postfix's chroot, owned by rdns-milter:rdns-milter,
      mode 0660; the postfix user can connect to it (through the group);
      SIGHUP reloads (with the shared libmilter); SIGTERM stops it with
      status 0 and removes the socket;
    - upgrades keep a changed config: a repacked package with a higher
      version and the same default keeps the admin's file silently, and
      one whose default changed too keeps it with --force-confold and
      puts the new one beside it as .dpkg-dist;
    - dpkg --purge leaves nothing: no file of the package, no
      /etc/rdns-milter, no socket directory, no user, no group, no
      systemd enablement links.

    Exit 0 when everything holds; 1 with the reasons otherwise.
"""
import argparse
import grp
import os
import pwd
import re
import shlex
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(TOP, "tests", "dns"))
from dnsfixture import NSD  # noqa: E402

PKG = "rdns-milter"
CONF = "/etc/rdns-milter/rdns-milter.yaml"
SOCKDIR = "/var/spool/postfix/rdns-milter"
SOCK = SOCKDIR + "/rdns-milter.sock"
UNIT = "/lib/systemd/system/rdns-milter.service"
FAILS = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        FAILS.append(what)
    return cond


def run(cmd, timeout=120, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, **kw)


def dpkg(*args):
    """dpkg, waiting while another process (apt, another test) holds its
    lock: dpkg itself does not wait."""
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    deadline = time.monotonic() + 600
    while True:
        r = run(["dpkg"] + list(args), env=env, stdin=subprocess.DEVNULL, timeout=300)
        locked = "lock" in r.stderr and ("locked" in r.stderr or "held" in r.stderr)
        if not locked or time.monotonic() > deadline:
            return r
        time.sleep(2)


def installed():
    r = run(["dpkg-query", "-W", "-f=${db:Status-Status}", PKG])
    return r.returncode == 0 and r.stdout.strip() not in ("", "not-installed", "config-files")


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def wait_for(pred, seconds):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(0.05)
    return pred()


# ---- building ----------------------------------------------------------------

def build(src, out):
    env = dict(os.environ, DEB_BUILD_OPTIONS="nocheck")   # unit tests run elsewhere
    t = time.monotonic()
    r = run([os.path.join(src, "scripts", "package"), out], env=env, timeout=600)
    print(r.stdout + r.stderr)
    debs = [f for f in os.listdir(out) if re.match(r"rdns-milter_[^_]+_[^_]+\.deb$", f)]
    check(r.returncode == 0 and len(debs) == 1,
          "scripts/package builds one .deb, lintian --pedantic clean (%.0f s)"
          % (time.monotonic() - t))
    return os.path.join(out, debs[0]) if debs else None


def repack(deb, work, version, conf_extra=None):
    """The same package with another version (and, with conf_extra, a
    changed default config), as a new upstream release would bring."""
    root = os.path.join(work, "repack-" + version)
    r = run(["dpkg-deb", "-R", deb, root])
    if r.returncode != 0:
        raise RuntimeError(r.stderr)
    ctl = os.path.join(root, "DEBIAN", "control")
    text = re.sub(r"^Version: .*$", "Version: " + version, read(ctl), flags=re.M)
    with open(ctl, "w") as f:
        f.write(text)
    if conf_extra:
        with open(os.path.join(root, CONF.lstrip("/")), "a") as f:
            f.write(conf_extra)
        files = sorted(os.path.relpath(os.path.join(d, n), root)
                       for d, _s, ns in os.walk(root) for n in ns
                       if not os.path.relpath(d, root).startswith("DEBIAN"))
        sums = run(["md5sum"] + files, cwd=root)
        with open(os.path.join(root, "DEBIAN", "md5sums"), "w") as f:
            f.write(sums.stdout)
    out = os.path.join(work, "%s_%s.deb" % (PKG, version))
    r = run(["dpkg-deb", "--root-owner-group", "-b", root, out])
    if r.returncode != 0:
        raise RuntimeError(r.stderr)
    return out


# ---- installed files and programs ----------------------------------------------

def check_installed(files):
    for path in ("/usr/sbin/rdns-milter", "/usr/bin/rdns-check", CONF, UNIT,
                 "/usr/lib/tmpfiles.d/rdns-milter.conf",
                 "/usr/share/man/man8/rdns-milter.8.gz", "/usr/share/man/man1/rdns-check.1.gz",
                 "/usr/share/man/man5/rdns-milter.yaml.5.gz",
                 "/usr/share/doc/rdns-milter/postfix-main.cf.snippet",
                 "/usr/share/doc/rdns-milter/sendmail.mc.snippet",
                 "/usr/share/doc/rdns-milter/copyright"):
        check(path in files and os.path.exists(path), "the package installs " + path)
    conffiles = run(["dpkg-query", "-W", "-f=${Conffiles}", PKG]).stdout
    check(CONF in conffiles, CONF + " is a conffile")
    ldd = run(["ldd", "/usr/sbin/rdns-milter"]).stdout
    check(re.search(r"^\s*libmilter\.so\.1\.0\.1 => /", ldd, re.M) is not None,
          "rdns-milter links the shared libmilter.so.1.0.1")
    nm = run(["nm", "-D", "--defined-only", "/usr/sbin/rdns-milter"]).stdout
    check(re.search(r"\bT sigwait$", nm, re.M) is not None,
          "rdns-milter exports sigwait(), which interposes on libmilter's")
    deps = run(["dpkg-query", "-W", "-f=${Depends}", PKG]).stdout
    check("libmilter1.0.1" in deps, "Depends names libmilter1.0.1: " + deps)


def check_accounts():
    try:
        pw = pwd.getpwnam("rdns-milter")
        gr = grp.getgrnam("rdns-milter")
    except KeyError:
        check(False, "postinst created user and group rdns-milter")
        return
    check(pw.pw_uid < 1000 and pw.pw_gid == gr.gr_gid and pw.pw_shell.endswith("nologin"),
          "rdns-milter is a system user, in its own group, with no shell")
    if any(p.pw_name == "postfix" for p in pwd.getpwall()):
        check("postfix" in grp.getgrnam("rdns-milter").gr_mem,
              "postfix is a member of group rdns-milter")
    try:
        st = os.stat(SOCKDIR)
        check(st.st_uid == pw.pw_uid and st.st_gid == gr.gr_gid
              and stat.S_IMODE(st.st_mode) == 0o750,
              "%s is rdns-milter:rdns-milter 0750 (got %d:%d %o)"
              % (SOCKDIR, st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)))
    except OSError as e:
        check(False, "postinst made %s: %s" % (SOCKDIR, e))


def check_programs():
    r = run(["/usr/sbin/rdns-milter", "-t"])
    check(r.returncode == 0 and "configuration OK" in r.stdout,
          "installed rdns-milter -t accepts %s: %r" % (CONF, r.stdout.strip() + r.stderr.strip()))
    r = run(["/usr/bin/rdns-check", "--classify", "dsl.static851056487.ttnet.net.tr",
             "85.105.64.87"])
    check(r.returncode == 0 and "generic" in r.stdout,
          "installed rdns-check --classify: %r" % r.stdout.strip())
    zones = os.path.join(TOP, "tests", "scenarios", "zones")
    with NSD([os.path.join(zones, "113.0.203.in-addr.arpa.zone"),
              os.path.join(zones, "good.example.zone")]) as ns:
        r = run(["/usr/bin/rdns-check", "203.0.113.10", "--resolver", ns.resolver,
                 "--helo", "mail.good.example", "--from", "alice@good.example"])
        check(r.returncode == 0 and re.search(r"^iprev\s+pass$", r.stdout, re.M)
              and "ACCEPT" in r.stdout,
              "installed rdns-check scores a good server from NSD's answers")
        r = run(["/usr/bin/rdns-check", "203.0.113.11", "--resolver", ns.resolver,
                 "--helo", "localhost"])
        check(r.returncode == 0 and re.search(r"^ptr_none\s+HIT", r.stdout, re.M),
              "installed rdns-check: no PTR from NSD is a ptr_none hit")


# ---- the daemon, as systemd would start it -------------------------------------

def unit_settings():
    """The [Service] settings of the installed unit: {key: [values]}."""
    out = {}
    for line in read(UNIT).splitlines():
        line = line.strip()
        if line and not line.startswith(("#", ";", "[")) and "=" in line:
            k, _, v = line.partition("=")
            out.setdefault(k, []).append(v)
    return out


def as_user(user, group):
    pw = pwd.getpwnam(user)
    gid = grp.getgrnam(group).gr_gid

    def pre():
        os.setgroups(os.getgrouplist(user, gid))
        os.setgid(gid)
        os.setuid(pw.pw_uid)
        os.umask(UMASK[0])
    return pre


UMASK = [0o022]


def systemd_command(line, user, group, **kw):
    """One ExecStart*= line: "+" runs with full privileges."""
    if line.startswith("+"):
        return subprocess.Popen(shlex.split(line[1:]), **kw)
    return subprocess.Popen(shlex.split(line), preexec_fn=as_user(user, group), **kw)


def postfix_can_connect():
    """A connection to the socket as the postfix user, through its group."""
    code = ("import socket,sys; s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])")
    # The system's python3: this one may live where postfix cannot read.
    py = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable
    try:
        p = subprocess.run([py, "-c", code, SOCK], preexec_fn=as_user("postfix", "postfix"),
                           capture_output=True, text=True, timeout=30)
    except OSError as e:
        return False, str(e)
    return p.returncode == 0, p.stderr.strip().splitlines()[-1:] if p.stderr else ""


def check_daemon(work):
    u = unit_settings()
    user, group = u.get("User", ["?"])[0], u.get("Group", ["?"])[0]
    check((user, group) == ("rdns-milter", "rdns-milter"), "the unit runs as rdns-milter")
    check(u.get("ReadWritePaths") == [SOCKDIR], "the unit may write only " + SOCKDIR)
    UMASK[0] = int(u.get("UMask", ["0022"])[0], 8)
    # Say the socket directory went away (Postfix purged): ExecStartPre=+
    # makes it again before the sandbox needs it.
    shutil.rmtree(SOCKDIR, ignore_errors=True)
    for line in u.get("ExecStartPre", []):
        p = systemd_command(line, user, group, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
        out = p.communicate(timeout=60)[0]
        check(p.wait() == 0, "ExecStartPre=%s: %s" % (line, out.strip()))
    check(os.path.isdir(SOCKDIR), "ExecStartPre made %s" % SOCKDIR)

    notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    npath = os.path.join(work, "notify")
    notify.bind(npath)
    os.chmod(npath, 0o777)
    notify.settimeout(15)
    log = open(os.path.join(work, "daemon.log"), "w+")
    env = dict(os.environ, NOTIFY_SOCKET=npath)
    (start,) = u["ExecStart"]
    p = systemd_command(start, user, group, stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        try:
            msg = notify.recv(256)
        except socket.timeout:
            msg = b""
        check(msg == b"READY=1", "the daemon says READY=1 (got %r)" % msg)
        if check(wait_for(lambda: os.path.exists(SOCK), 10), "the socket appears at " + SOCK):
            st = os.stat(SOCK)
            check((pwd.getpwuid(st.st_uid).pw_name, grp.getgrgid(st.st_gid).gr_name,
                   stat.S_IMODE(st.st_mode)) == ("rdns-milter", "rdns-milter", 0o660),
                  "the socket is rdns-milter:rdns-milter 0660 (got %d:%d %o)"
                  % (st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)))
            if any(x.pw_name == "postfix" for x in pwd.getpwall()):
                ok, err = postfix_can_connect()
                check(ok, "the postfix user can connect to the socket %s" % err)
        r = run(["/usr/sbin/rdns-milter", "-S"])
        check(r.returncode == 0 and re.search(r"^connections \d+$", r.stdout, re.M),
              "rdns-milter -S asks the running daemon: %r" % r.stdout[:60])
        p.send_signal(signal.SIGHUP)
        check(wait_for(lambda: "reloaded" in read(log.name), 10) and p.poll() is None,
              "SIGHUP reloads and the daemon keeps running (shared libmilter)")
        p.send_signal(signal.SIGTERM)
        try:
            rc = p.wait(timeout=20)
        except subprocess.TimeoutExpired:
            rc = None
        check(rc == 0, "SIGTERM stops it with status 0 (got %r)" % rc)
        check(not os.path.exists(SOCK), "the socket is removed on stop")
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
        notify.close()
        log.seek(0)
        text = log.read()
        log.close()
        print("--- daemon log ---\n" + text)


# ---- upgrade, purge --------------------------------------------------------------

def check_upgrades(deb, work):
    mine, n = re.subn(r"^threshold: .*$", "threshold: 8.5   # changed by the admin",
                      read(CONF), count=1, flags=re.M)
    check(n == 1, "the shipped config has a threshold line to change")
    with open(CONF, "w") as f:
        f.write(mine)
    same = repack(deb, work, "0.1.0+test1")
    r = dpkg("-i", same)
    check(r.returncode == 0, "upgrade to 0.1.0+test1 (same default config) installs: "
          + r.stderr.strip()[-300:])
    check(read(CONF) == mine, "the upgrade keeps the admin's changed config")
    check(run(["dpkg-query", "-W", "-f=${Version}", PKG]).stdout == "0.1.0+test1",
          "0.1.0+test1 is installed")
    changed = repack(deb, work, "0.1.0+test2", conf_extra="\n# a new default\n")
    r = dpkg("--force-confdef", "--force-confold", "-i", changed)
    check(r.returncode == 0, "upgrade to 0.1.0+test2 (new default config) installs: "
          + r.stderr.strip()[-300:])
    check(read(CONF) == mine, "an upgrade whose default changed keeps the admin's config too")
    check(os.path.isfile(CONF + ".dpkg-dist") and "# a new default" in read(CONF + ".dpkg-dist"),
          "the new default is beside it as rdns-milter.yaml.dpkg-dist")
    check(run(["/usr/sbin/rdns-milter", "-t"]).returncode == 0,
          "the kept config still passes rdns-milter -t")


def check_purge(files):
    r = dpkg("--purge", PKG)
    check(r.returncode == 0, "dpkg --purge: " + r.stderr.strip()[-300:])
    q = run(["dpkg-query", "-W", "-f=${db:Status-Status}", PKG])
    check(q.returncode != 0 or q.stdout.strip() in ("", "not-installed"),
          "dpkg knows nothing of the package any more (%r)" % q.stdout.strip())
    left = [f for f in files if os.path.lexists(f) and not os.path.isdir(f)]
    check(not left, "no file of the package is left: %s" % left)
    for path in ("/etc/rdns-milter", SOCKDIR,
                 "/etc/systemd/system/multi-user.target.wants/rdns-milter.service"):
        check(not os.path.lexists(path), "purge removed " + path)
    check(run(["getent", "passwd", "rdns-milter"]).returncode != 0, "purge removed user rdns-milter")
    check(run(["getent", "group", "rdns-milter"]).returncode != 0, "purge removed group rdns-milter")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--source", default=TOP)
    args = ap.parse_args()
    if not check(os.geteuid() == 0, "running as root (the test installs a package)"):
        return 1
    if installed() or run(["dpkg-query", "-W", PKG]).returncode == 0:
        print("note: purging a %s left by an earlier run" % PKG)
        dpkg("--purge", PKG)
    work = tempfile.mkdtemp(prefix="rdns-deb-")
    os.chmod(work, 0o755)
    try:
        deb = build(os.path.abspath(args.source), os.path.join(work, "out"))
        if deb is None:
            return 1
        r = dpkg("-i", deb)
        if not check(r.returncode == 0, "dpkg -i %s: %s" % (os.path.basename(deb),
                                                          r.stderr.strip()[-500:])):
            return 1
        files = [f for f in run(["dpkg-query", "-L", PKG]).stdout.splitlines() if f]
        try:
            check_installed(files)
            check_accounts()
            check_programs()
            check_daemon(work)
            check_upgrades(deb, work)
            files += [CONF + ".dpkg-dist"]
        finally:
            check_purge(files)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if FAILS:
        print("%d check(s) failed" % len(FAILS), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
