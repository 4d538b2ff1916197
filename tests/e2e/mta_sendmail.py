"""
NAME
    mta_sendmail - a private, unpacked Sendmail for end-to-end tests

DESCRIPTION
    Debian's sendmail-bin conflicts with postfix, so Sendmail is not
    installed: its .debs are fetched with `apt-get download` into a cache
    (RDNS_E2E_CACHE, default /var/cache/rdns-milter-e2e) and unpacked there
    with `dpkg -x`, once. If the download fails (no package lists yet) the
    harness runs `apt-get update` once and tries again.

    Sendmail(workdir, sink_port, daemons, filters) writes a .mc, builds the
    .cf with m4, and runs `sendmail -bD` (daemon in the foreground) inside a
    private UTS namespace whose host name is fully qualified (Sendmail
    otherwise sleeps and retries when the host name is not), so the test
    owns the process id.

      daemons: list of (port, name, [filter names] or None): one listener on
               127.0.0.1:port each; None = the global INPUT_MAIL_FILTERs.
      filters: list of (name, mc_line_template): the milter definitions;
               the template is etc/sendmail.mc.snippet's line with its
               socket replaced.
      hosts:   (address, name) pairs for Sendmail's own hosts file, shown
               to it as /etc/hosts: the names it finds for its clients.

    Everything accepted is relayed to 127.0.0.1:sink_port (SMART_HOST with
    RELAY_MAILER_ARGS); Sendmail does no DNS of its own (service switch
    "hosts files", FEATURE(nocanonify), accept_unresolvable_domains).
"""

import os
import glob
import shutil
import signal
import subprocess
import time

from mta_postfix import wait_port

PACKAGES = ("sendmail-bin", "sendmail-base", "sendmail-cf")


def _cache_dir():
    return os.environ.get("RDNS_E2E_CACHE", "/var/cache/rdns-milter-e2e")


def _download(debs):
    return subprocess.run(["apt-get", "download"] + list(PACKAGES), cwd=debs,
                          capture_output=True, text=True, timeout=300)


def unpacked_root():
    """Directory with the unpacked Sendmail packages (fetched if needed)."""
    base = os.path.join(_cache_dir(), "sendmail")
    root = os.path.join(base, "root")
    binary = os.path.join(root, "usr/libexec/sendmail/sendmail")
    if os.path.exists(binary) and os.path.exists(os.path.join(root, ".complete")):
        return root
    debs = os.path.join(base, "debs")
    os.makedirs(debs, exist_ok=True)
    # apt's _apt user must be able to write here, or apt warns and
    # downloads as root anyway; either way works.
    if len(glob.glob(os.path.join(debs, "*.deb"))) < len(PACKAGES):
        r = _download(debs)
        if r.returncode != 0:
            subprocess.run(["apt-get", "update", "-qq"], capture_output=True, timeout=600)
            r = _download(debs)
        if r.returncode != 0:
            raise RuntimeError("apt-get download %s failed:\n%s" % (" ".join(PACKAGES), r.stderr))
    shutil.rmtree(root, ignore_errors=True)
    os.makedirs(root)
    for deb in glob.glob(os.path.join(debs, "*.deb")):
        subprocess.run(["dpkg", "-x", deb, root], check=True, timeout=120)
    missing = [l for l in subprocess.run(["ldd", binary], capture_output=True,
                                         text=True).stdout.splitlines() if "not found" in l]
    if missing:
        raise RuntimeError("the unpacked sendmail lacks libraries (install the Debian "
                           "packages that hold them, e.g. libwrap0 liblockfile1 "
                           "libldap-2.5-0 libnsl2 libdb5.3):\n" + "\n".join(missing))
    open(os.path.join(root, ".complete"), "w").close()
    return root


def _q(s):
    """m4-quote."""
    return "`" + s + "'"


class Sendmail:
    def __init__(self, workdir, sink_port, daemons, filters, auth_socket=None, hosts=()):
        self.dir = workdir
        self.hosts = list(hosts)        # (address, name): its hosts file
        self.auth_socket = auth_socket
        self.sink_port = sink_port
        self.daemons = daemons
        self.filters = filters
        self.proc = None
        self.root = None

    def mc(self):
        d = self.dir
        cf = os.path.join(self.root, "usr/share/sendmail/cf")
        lines = [
            "divert(-1)",
            "define(%s, %s)" % (_q("_CF_DIR_"), _q(cf + "/")),
            "divert(0)dnl",
            "include(%s)dnl" % _q(cf + "/m4/cf.m4"),
            "OSTYPE(%s)dnl" % _q("linux"),
            "define(%s, %s)dnl" % (_q("QUEUE_DIR"), _q(d + "/mqueue")),
            "define(%s, %s)dnl" % (_q("STATUS_FILE"), _q(d + "/statistics")),
            "define(%s, %s)dnl" % (_q("confPID_FILE"), _q(d + "/sendmail.pid")),
            "define(%s, %s)dnl" % (_q("ALIAS_FILE"), _q("")),
            "define(%s, %s)dnl" % (_q("confDEF_USER_ID"), _q("65534:65534")),
            "define(%s, %s)dnl" % (_q("confDONT_PROBE_INTERFACES"), _q("True")),
            "define(%s, %s)dnl" % (_q("confSERVICE_SWITCH_FILE"), _q(d + "/service.switch")),
            "define(%s, %s)dnl" % (_q("confHOSTS_FILE"), _q(d + "/hosts")),
            "define(%s, %s)dnl" % (_q("confBIND_OPTS"), _q("-DNSRCH -DEFNAMES")),
            "define(%s, %s)dnl" % (_q("confTO_IDENT"), _q("0")),
            "define(%s, %s)dnl" % (_q("confLOG_LEVEL"), _q("14")),
            "define(%s, %s)dnl" % (_q("SMART_HOST"), _q("[127.0.0.1]")),
            "define(%s, %s)dnl" % (_q("RELAY_MAILER_ARGS"), _q("TCP $h %d" % self.sink_port)),
            "define(%s, %s)dnl" % (_q("confMILTER_LOG_LEVEL"), _q("2")),
            "FEATURE(%s)dnl" % _q("nocanonify"),
            "FEATURE(%s)dnl" % _q("accept_unresolvable_domains"),
            # A test instance: every loopback client may relay.
            "FEATURE(%s)dnl" % _q("promiscuous_relay"),
        ]
        for port, name, flt in self.daemons:
            opts = "Port=%d,Addr=127.0.0.1,Name=%s" % (port, name)
            if flt is not None:
                opts += ",InputMailFilters=" + ";".join(flt)
            lines.append("DAEMON_OPTIONS(%s)dnl" % _q(opts))
        for _name, line in self.filters:
            lines.append(line.rstrip("\n") + "dnl")
        if self.auth_socket:
            lines += ["define(%s, %s)dnl" % (_q("confAUTH_MECHANISMS"), _q("PLAIN LOGIN")),
                      "TRUST_AUTH_MECH(%s)dnl" % _q("PLAIN LOGIN")]
        lines.append("MAILER(%s)dnl" % _q("smtp"))
        return "\n".join(lines) + "\n"

    def start(self):
        self.root = unpacked_root()
        d = self.dir
        os.makedirs(os.path.join(d, "mqueue"), mode=0o700, exist_ok=True)
        os.chmod(d, 0o755)
        with open(os.path.join(d, "service.switch"), "w") as f:
            f.write("hosts files\naliases files\n")
        with open(os.path.join(d, "hosts"), "w") as f:
            f.write("127.0.0.1 localhost\n")
            for addr, name in self.hosts:
                f.write("%s %s\n" % (addr, name))
        open(os.path.join(d, "statistics"), "w").close()
        with open(os.path.join(d, "sendmail.mc"), "w") as f:
            f.write(self.mc())
        with open(os.path.join(d, "sendmail.cf"), "w") as f:
            r = subprocess.run(["m4", os.path.join(d, "sendmail.mc")], stdout=f,
                               stderr=subprocess.PIPE, text=True, timeout=60)
        if r.returncode != 0:
            raise RuntimeError("m4 failed:\n" + r.stderr)
        binary = os.path.join(self.root, "usr/libexec/sendmail/sendmail")
        cmd = "hostname mx.test.invalid && exec %s -C %s -bD" % (
            binary, os.path.join(d, "sendmail.cf"))
        if self.hosts:
            # Sendmail names its clients through the C library, which reads
            # /etc/hosts, not confHOSTS_FILE: in this private mount namespace
            # /etc/hosts is our file.
            cmd = "mount --bind %s /etc/hosts && %s" % (os.path.join(d, "hosts"), cmd)
        if self.auth_socket:
            # Cyrus SASL reads Sendmail.conf from a fixed path list, and
            # Sendmail passes it no other: in this private mount namespace
            # the (empty) /usr/lib/sasl2 shows our own directory instead.
            sasl = os.path.join(d, "sasl2")
            os.makedirs(sasl, exist_ok=True)
            with open(os.path.join(sasl, "Sendmail.conf"), "w") as f:
                f.write("pwcheck_method: saslauthd\nsaslauthd_path: %s\n"
                        "mech_list: PLAIN LOGIN\n" % self.auth_socket)
            cmd = "mount --bind %s /usr/lib/sasl2 && %s" % (sasl, cmd)
        errf = open(os.path.join(d, "sendmail.out"), "w")
        self.proc = subprocess.Popen(["unshare", "--uts", "--mount", "sh", "-c", cmd],
                                     stdin=subprocess.DEVNULL, stdout=errf, stderr=errf)
        errf.close()
        for port, _name, _flt in self.daemons:
            if not wait_port(port, 20, proc=self.proc):
                out = self.tail()
                self.stop()
                raise RuntimeError("sendmail did not listen on %d:\n%s" % (port, out))
        return self

    def tail(self, n=4000):
        try:
            with open(os.path.join(self.dir, "sendmail.out"), errors="replace") as f:
                return f.read()[-n:]
        except OSError:
            return ""

    def queued(self):
        return [f for f in glob.glob(os.path.join(self.dir, "mqueue", "*"))
                if os.path.basename(f)[:2] in ("qf", "df")]

    def stop(self):
        p, self.proc = self.proc, None
        if p is None:
            return
        if p.poll() is None:
            # unshare and sh exec, so p.pid is sendmail's own pid.
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(15)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
