#!/usr/bin/env python3
"""
NAME
    test_install - `cmake --install` as an admin would run it, and the unit

SYNOPSIS
    test_install.py tree    --cmake CMAKE --build DIR --source DIR [--milter]
    test_install.py systemd --cmake CMAKE --build DIR --source DIR

DESCRIPTION
    tree: installs the build into a fresh DESTDIR with --prefix /usr (the
    Debian layout) and checks that every file is where admins look for it,
    runs the INSTALLED programs (rdns-check --classify is offline; with
    --milter, rdns-milter -t on the installed config and a short run on a
    private unix socket: mode 0660, SIGHUP reloads, SIGTERM removes the
    socket), installs again over a changed config (kept, .dist beside it)
    and over an unchanged one (no .dist), and installs with --prefix
    /usr/local (config in /usr/local/etc, unit paths rewritten to match).

    systemd: runs `systemd-analyze verify` on the installed unit, with its
    program paths pointed into the DESTDIR tree and MANPATH at the installed
    pages, so the Documentation= pages must be installed too; a planted
    typo proves the tool reports problems; `systemd-analyze security
    --offline` must rate the unit's exposure at 2.0 or less. A missing
    systemd-analyze is a failure: install the Debian package systemd.

    Exit 0 when everything holds; 1 with the reasons otherwise.
"""
import argparse
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time

FAILS = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        FAILS.append(what)
    return cond


def install(args, destdir, prefix):
    env = dict(os.environ, DESTDIR=destdir)
    r = subprocess.run([args.cmake, "--install", args.build, "--prefix", prefix],
                       env=env, capture_output=True, text=True, timeout=120)
    if not check(r.returncode == 0, f"cmake --install --prefix {prefix} into {destdir}"):
        print(r.stdout, r.stderr, file=sys.stderr)
    return r.stdout + r.stderr


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def is_exec_file(path):
    try:
        st = os.stat(path)
    except OSError:
        return False
    return stat.S_ISREG(st.st_mode) and st.st_mode & 0o111 == 0o111


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=60, **kw)


# ---- tree ------------------------------------------------------------------

def expected_files(args):
    files = ["usr/bin/rdns-check",
             "etc/rdns-milter/rdns-milter.yaml",
             "usr/lib/systemd/system/rdns-milter.service",
             "usr/lib/tmpfiles.d/rdns-milter.conf",
             "usr/share/doc/rdns-milter/postfix-main.cf.snippet",
             "usr/share/doc/rdns-milter/sendmail.mc.snippet"]
    if args.milter:
        files.append("usr/sbin/rdns-milter")
    for page in sorted(os.listdir(os.path.join(args.source, "man"))):
        section = page[-1]
        if section.isdigit():
            files.append(f"usr/share/man/man{section}/{page}")
    return files


def check_layout(args, d):
    for rel in expected_files(args):
        check(os.path.isfile(os.path.join(d, rel)), f"installed /{rel}")
    check(is_exec_file(os.path.join(d, "usr/bin/rdns-check")), "/usr/bin/rdns-check is executable")
    check(read(os.path.join(d, "etc/rdns-milter/rdns-milter.yaml")) ==
          read(os.path.join(args.source, "etc/rdns-milter.yaml")),
          "/etc/rdns-milter/rdns-milter.yaml is the shipped sample")
    check(not os.path.exists(os.path.join(d, "usr/etc")), "no /usr/etc: --prefix /usr puts config in /etc")
    unit = read(os.path.join(d, "usr/lib/systemd/system/rdns-milter.service"))
    check("ExecStart=/usr/sbin/rdns-milter -f -c /etc/rdns-milter/rdns-milter.yaml" in unit,
          "unit runs /usr/sbin/rdns-milter -f on /etc/rdns-milter/rdns-milter.yaml")
    tmpfiles = read(os.path.join(d, "usr/lib/tmpfiles.d/rdns-milter.conf"))
    check("d /var/spool/postfix/rdns-milter 0750 rdns-milter rdns-milter -" in tmpfiles.splitlines(),
          "tmpfiles.d makes the socket directory below Postfix's chroot, rdns-milter 0750")
    if args.milter:
        exe = os.path.join(d, "usr/sbin/rdns-milter")
        check(is_exec_file(exe), "/usr/sbin/rdns-milter is executable")
        # libmilter is the shared one, as a distribution links it, and our
        # sigwait() is exported so that it interposes on libmilter's.
        ldd = run(["ldd", exe]).stdout
        check(re.search(r"^\s*libmilter\.so\.[0-9.]+ => /", ldd, re.M) is not None,
              "rdns-milter links libmilter dynamically (ldd shows libmilter.so)")
        nm = run(["nm", "-D", "--defined-only", exe]).stdout
        check(re.search(r"\bT sigwait$", nm, re.M) is not None,
              "rdns-milter exports sigwait() (interposes on libmilter's)")
    else:
        print("note rdns-milter is not built in this tree: its checks are not run")


def check_rdns_check(d):
    exe = os.path.join(d, "usr/bin/rdns-check")
    conf = os.path.join(d, "etc/rdns-milter/rdns-milter.yaml")
    r = run([exe, "--config", conf, "--classify", "dsl.static851056487.ttnet.net.tr", "85.105.64.87"])
    check(r.returncode == 0 and r.stdout.startswith("dsl.static851056487.ttnet.net.tr: generic ("),
          f"installed rdns-check --classify calls a DSL name generic: {r.stdout.strip()!r}")
    r = run([exe, "--config", conf, "--json", "--classify", "mail.example.com"])
    check(r.returncode == 0 and '"generic":false' in r.stdout,
          f"installed rdns-check --json --classify mail.example.com: not generic: {r.stdout.strip()!r}")
    r = run([exe, "--no-such-option"])
    check(r.returncode == 2, "installed rdns-check exits 2 on a bad option")


def wait_for(pred, seconds):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(0.05)
    return pred()


def check_milter_run(d, tmp):
    """The contract the unit relies on: -f serves the socket with
    milter.socket_mode, HUP reloads (does not stop), TERM ends cleanly."""
    exe = os.path.join(d, "usr/sbin/rdns-milter")
    conf = os.path.join(d, "etc/rdns-milter/rdns-milter.yaml")
    sock = os.path.join(tmp, "run", "rdns-milter.sock")
    os.makedirs(os.path.dirname(sock))
    log = open(os.path.join(tmp, "milter.log"), "w+")
    p = subprocess.Popen([exe, "-f", "-c", conf, "-s", "unix:" + sock, "-u", "root"],
                         stdout=log, stderr=subprocess.STDOUT)
    try:
        up = check(wait_for(lambda: os.path.exists(sock) or p.poll() is not None, 10)
                   and p.poll() is None and os.path.exists(sock),
                   "installed rdns-milter -f listens on a unix socket")
        if up:
            mode = stat.S_IMODE(os.stat(sock).st_mode)
            check(mode == 0o660, f"socket mode is milter.socket_mode 0660 (got {mode:o})")
            # A reload may come as soon as the daemon says it is up
            # (systemctl reload right after start): HUP must never stop it.
            check(wait_for(lambda: "listening on" in read(log.name), 10),
                  "rdns-milter logs that it is listening")
            p.send_signal(signal.SIGHUP)
            check(wait_for(lambda: "reloaded" in read(log.name), 10) and p.poll() is None,
                  "SIGHUP reloads and the daemon keeps running")
        p.send_signal(signal.SIGTERM)
        try:
            rc = p.wait(timeout=15)
        except subprocess.TimeoutExpired:
            rc = None
        check(rc == 0, f"SIGTERM stops it with status 0 (got {rc})")
        check(not os.path.exists(sock), "the socket is removed on stop")
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
        log.seek(0)
        text = log.read()
        log.close()
        if FAILS:
            print("--- rdns-milter output ---\n" + text)


def check_milter(d, tmp):
    exe = os.path.join(d, "usr/sbin/rdns-milter")
    conf = os.path.join(d, "etc/rdns-milter/rdns-milter.yaml")
    r = run([exe, "-t", "-c", conf])
    check(r.returncode == 0 and "configuration OK" in r.stdout,
          f"installed rdns-milter -t accepts the installed config: {r.stdout.strip()!r}")
    bad = os.path.join(tmp, "bad.yaml")
    with open(bad, "w") as f:
        f.write("threshold: 7.0\ndns:\n  timeout_ms: fast\n")
    r = run([exe, "-t", "-c", bad])
    check(r.returncode == 2 and r.stderr.startswith(bad + ":3:"),
          f"installed rdns-milter -t: exit 2 and file:line for a bad config: {r.stderr.strip()!r}")
    r = run([exe, "-V"])
    check(r.returncode == 0 and r.stdout.startswith("rdns-milter "), "installed rdns-milter -V")
    check_milter_run(d, tmp)


def check_conffile(args, d):
    conf = os.path.join(d, "etc/rdns-milter/rdns-milter.yaml")
    dist = conf + ".dist"
    shipped = read(os.path.join(args.source, "etc/rdns-milter.yaml"))

    install(args, d, "/usr")
    check(not os.path.exists(dist), "reinstall over an unchanged config: no .dist")

    mine = "# local change\nthreshold: 9.0\n"
    with open(conf, "w") as f:
        f.write(mine)
    out = install(args, d, "/usr")
    check(read(conf) == mine, "reinstall keeps the admin's changed config")
    check(os.path.isfile(dist) and read(dist) == shipped,
          "reinstall puts the new default beside it as rdns-milter.yaml.dist")
    check("rdns-milter.yaml.dist" in out and "Keeping" in out,
          "reinstall says it kept the config and where the new one is")


def check_usr_local(args, tmp):
    d = os.path.join(tmp, "local")
    install(args, d, "/usr/local")
    conf = "/usr/local/etc/rdns-milter/rdns-milter.yaml"
    check(os.path.isfile(d + conf), f"--prefix /usr/local: config in {conf}")
    check(not os.path.exists(os.path.join(d, "etc")), "--prefix /usr/local writes nothing to /etc")
    unit = d + "/usr/local/lib/systemd/system/rdns-milter.service"
    text = read(unit) if os.path.isfile(unit) else ""
    check(f"ExecStart=/usr/local/sbin/rdns-milter -f -c {conf}" in text,
          "--prefix /usr/local: unit runs /usr/local/sbin/rdns-milter on that config")
    settings = [line for line in text.splitlines() if line and not line.startswith("#")]
    stale = [line for line in settings if "/usr/sbin/rdns-milter" in line or " /etc/" in line]
    check(not stale, f"--prefix /usr/local: no /usr or /etc paths left in the unit's settings: {stale}")
    check(os.path.isfile(d + "/usr/local/bin/rdns-check"), "--prefix /usr/local: bin/rdns-check")


def cmd_tree(args):
    tmp = tempfile.mkdtemp(prefix="rdns-install-")
    try:
        d = os.path.join(tmp, "root")
        install(args, d, "/usr")
        check_layout(args, d)
        check_rdns_check(d)
        if args.milter:
            check_milter(d, tmp)
        check_conffile(args, d)
        check_usr_local(args, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


# ---- systemd ---------------------------------------------------------------

def verify(unit_path, manpath):
    """Lines of systemd-analyze verify that concern our unit, and the
    return code. Lines about other units (say postfix.service, pulled in
    by Before=) are printed but do not count."""
    env = dict(os.environ, MANPATH=manpath)
    r = run(["systemd-analyze", "verify", "--man=yes", unit_path], env=env)
    ours = []
    for line in (r.stdout + r.stderr).splitlines():
        if "rdns-milter" in line or unit_path in line:
            ours.append(line)
        else:
            print("note (not about our unit): " + line)
    return r.returncode, ours


def cmd_systemd(args):
    if not check(shutil.which("systemd-analyze") is not None,
                 "systemd-analyze is installed (Debian package: systemd)"):
        return
    tmp = tempfile.mkdtemp(prefix="rdns-unit-")
    try:
        d = os.path.join(tmp, "root")
        install(args, d, "/usr")
        unit = read(os.path.join(d, "usr/lib/systemd/system/rdns-milter.service"))
        exe = os.path.join(d, "usr/sbin/rdns-milter")
        check(is_exec_file(exe), "the unit's program is installed (rdns-milter is built)")
        # verify wants the programs to exist: point them into the tree.
        local = unit.replace("/usr/sbin/rdns-milter", exe).replace(
            "/etc/rdns-milter/", os.path.join(d, "etc/rdns-milter/"))
        udir = os.path.join(tmp, "units")
        os.makedirs(udir)
        path = os.path.join(udir, "rdns-milter.service")
        with open(path, "w") as f:
            f.write(local)
        manpath = os.path.join(d, "usr/share/man")

        rc, ours = verify(path, manpath)
        for line in ours:
            print("     " + line)
        check(rc == 0 and not ours,
              "systemd-analyze verify: no complaint (syntax, programs, Documentation= pages)")

        # The control: the same check must notice a typo.
        with open(path, "w") as f:
            f.write(local.replace("ProtectHome=yes", "ProtectHome=yes\nProtecHome=yes"))
        rc, ours = verify(path, manpath)
        check(any("ProtecHome" in line for line in ours),
              "control: verify reports a misspelt key planted in a copy")

        with open(path, "w") as f:
            f.write(local)
        r = run(["systemd-analyze", "security", "--offline=true", "--threshold=20", path])
        score = [line for line in r.stdout.splitlines() if "Overall exposure" in line]
        check(r.returncode == 0,
              "systemd-analyze security: exposure at most 2.0: " + (score[0].strip() if score else r.stderr.strip()))

        # What the unit promises admins (see the comments in the unit).
        for want in ("Type=notify", "User=rdns-milter",
                     "ReadWritePaths=/var/spool/postfix/rdns-milter",
                     "ExecStartPre=+/usr/bin/systemd-tmpfiles --create rdns-milter.conf",
                     "SyslogFacility=mail", "ExecReload=/bin/kill -HUP $MAINPID",
                     "ProtectSystem=strict", "PrivateTmp=yes", "NoNewPrivileges=yes",
                     "ProtectHome=yes", "Restart=on-failure",
                     "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6"):
            check(want in unit.splitlines(), f"unit has {want}")
        check(unit.find("ExecReload=/usr/sbin/rdns-milter -t") < unit.find("ExecReload=/bin/kill"),
              "reload checks the config before it signals the daemon")
        check("ExecStartPre=/usr/sbin/rdns-milter -t -c /etc/rdns-milter/rdns-milter.yaml" in unit,
              "start checks the config first")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=["tree", "systemd"])
    ap.add_argument("--cmake", required=True)
    ap.add_argument("--build", required=True)
    ap.add_argument("--source", required=True)
    ap.add_argument("--milter", action="store_true", help="rdns-milter is built")
    args = ap.parse_args()
    {"tree": cmd_tree, "systemd": cmd_systemd}[args.what](args)
    if FAILS:
        print(f"{len(FAILS)} check(s) failed", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
