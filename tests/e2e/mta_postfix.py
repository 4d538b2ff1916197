"""
NAME
    mta_postfix - a private Postfix instance for end-to-end tests

DESCRIPTION
    Postfix(workdir, sink_port, listeners, main_extra) writes its own
    main.cf and master.cf under workdir (config, queue and data directories
    all private), runs `postfix -c DIR check` (which also makes the queue
    directories), then Postfix's `master -c DIR -d` in the foreground, so
    the test owns the master's process id and stops it by that id. The
    system's own Postfix (Debian "No configuration") is never touched.

    listeners: list of (port, {param: value}) -- one smtpd on
    127.0.0.1:port each, with -o overrides (e.g. a second smtpd whose
    smtpd_milters points at another milter).

    The instance relays everything it accepts to 127.0.0.1:sink_port and
    does no DNS lookups of its own: the only DNS in a test is the milter's.
    SMTP AUTH is offered through smtpd_sasl_type = dovecot on a Unix socket
    (see authd.py), when auth_socket is given.

    Logs go to workdir/maillog (maillog_file; there is no syslog here).

    chroot="debian" takes the chroot column of every service from Debian's
    stock master.cf (/usr/share/postfix/master.cf.dist: smtpd, cleanup,
    pickup, smtp and most others chrooted in the queue directory), and
    prepares the chroot the way Debian's init script and systemd unit do,
    by running Postfix's own /usr/lib/postfix/configure-instance.sh (it
    copies etc/services, etc/resolv.conf, etc/hosts, ... and the NSS
    libraries into the queue directory). Without it nothing is chrooted.
"""

import os
import pwd
import shutil
import signal
import socket
import subprocess
import time

POSTFIX = shutil.which("postfix") or "/usr/sbin/postfix"
MASTER = "/usr/lib/postfix/sbin/master"     # Debian's daemon_directory
DEBIAN_MASTER_CF = "/usr/share/postfix/master.cf.dist"
CONFIGURE_INSTANCE = "/usr/lib/postfix/configure-instance.sh"

MASTER_CF = """\
# service type  private unpriv  chroot  wakeup  maxproc command
{listeners}
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
local     unix  -       n       n       -       -       local
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
"""


def debian_chroot_columns(path=DEBIAN_MASTER_CF):
    """{(service, type): chroot column} of Debian's stock master.cf."""
    cols = {}
    with open(path) as f:
        for line in f:
            if not line.strip() or line[0] in "# \t":
                continue
            fields = line.split()
            if len(fields) >= 8:
                cols.setdefault((fields[0], fields[1]), fields[4])
    return cols


def free_port(addr="127.0.0.1"):
    with socket.socket() as s:
        s.bind((addr, 0))
        return s.getsockname()[1]


def wait_port(port, timeout=15.0, addr="127.0.0.1", proc=None):
    """Until something answers on addr:port (False when proc died first)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            return False
        try:
            with socket.create_connection((addr, port), timeout=1) as s:
                s.recv(512)
                return True
        except OSError:
            time.sleep(0.05)
    return False


class Postfix:
    def __init__(self, workdir, sink_port, listeners, main_extra=None, auth_socket=None,
                 chroot=None):
        self.dir = workdir
        self.conf = os.path.join(workdir, "etc")
        self.queue = os.path.join(workdir, "queue")
        self.data = os.path.join(workdir, "data")
        self.log = os.path.join(workdir, "maillog")
        self.sink_port = sink_port
        self.listeners = listeners
        self.main_extra = dict(main_extra or {})
        self.auth_socket = auth_socket
        self.chroot = chroot
        self.proc = None

    def main_cf(self):
        p = {
            "compatibility_level": "3.6",
            "config_directory": self.conf,
            "queue_directory": self.queue,
            "data_directory": self.data,
            "maillog_file": self.log,
            "maillog_file_prefixes": self.dir,
            "myhostname": "mx.test.invalid",
            "mydomain": "test.invalid",
            "myorigin": "$myhostname",
            "mydestination": "",
            "inet_interfaces": "127.0.0.1",
            "inet_protocols": "ipv4",
            "mynetworks": "127.0.0.0/8",
            "smtpd_relay_restrictions":
                "permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination",
            "smtpd_recipient_restrictions": "",
            # No DNS of Postfix's own: the milter's DNS is the only DNS.
            "smtp_dns_support_level": "disabled",
            "smtp_host_lookup": "native",
            "smtpd_peername_lookup": "no",
            "default_transport": "smtp:[127.0.0.1]:%d" % self.sink_port,
            "relay_transport": "smtp:[127.0.0.1]:%d" % self.sink_port,
            "append_dot_mydomain": "no",
            "biff": "no",
            "alias_maps": "",
            "alias_database": "",
            "local_recipient_maps": "",
            "smtputf8_enable": "no",
            "smtpd_tls_security_level": "none",
            "smtp_tls_security_level": "none",
            "queue_run_delay": "1s",
            "minimal_backoff_time": "1s",
            "maximal_backoff_time": "2s",
            "smtpd_error_sleep_time": "0",
            "smtpd_client_connection_rate_limit": "0",
        }
        if self.auth_socket:
            p.update({
                "smtpd_sasl_auth_enable": "yes",
                "smtpd_sasl_type": "dovecot",
                "smtpd_sasl_path": self.auth_socket,
                "smtpd_sasl_security_options": "noanonymous",
            })
        p.update(self.main_extra)
        return "".join("%s = %s\n" % kv for kv in p.items())

    def master_cf(self):
        cols = debian_chroot_columns() if self.chroot == "debian" else {}
        lines = []
        for port, opts in self.listeners:
            line = "127.0.0.1:%d inet n - %s - - smtpd" % (port, cols.get(("smtp", "inet"), "n"))
            for k, v in opts.items():
                line += "\n  -o %s=%s" % (k, v)
            lines.append(line)
        out = []
        for line in MASTER_CF.format(listeners="\n".join(lines)).splitlines():
            f = line.split()
            if len(f) >= 8 and (f[0], f[1]) in cols and not line.startswith("127.0.0.1:"):
                f[4] = cols[(f[0], f[1])]
                line = " ".join(f)
            out.append(line)
        return "\n".join(out) + "\n"

    def chrooted(self):
        """{service: chroot column} as written to this instance's master.cf."""
        return {l.split()[0]: l.split()[4] for l in self.master_cf().splitlines()
                if l.strip() and not l.startswith(("#", " "))}

    def start(self):
        for d in (self.conf, self.queue, self.data):
            os.makedirs(d, exist_ok=True)
        # Postfix drops privileges to "postfix": it must reach its dirs.
        os.chmod(self.dir, 0o755)
        pf = pwd.getpwnam("postfix")
        os.chown(self.data, pf.pw_uid, pf.pw_gid)
        with open(os.path.join(self.conf, "main.cf"), "w") as f:
            f.write(self.main_cf())
        with open(os.path.join(self.conf, "master.cf"), "w") as f:
            f.write(self.master_cf())
        env = dict(os.environ, MAIL_CONFIG=self.conf)
        # check creates the queue directories with the right owners.
        r = subprocess.run([POSTFIX, "-c", self.conf, "check"], env=env,
                           capture_output=True, text=True, timeout=60)
        if r.returncode != 0:
            raise RuntimeError("postfix check failed:\n%s%s" % (r.stdout, r.stderr))
        if self.chroot == "debian":
            r = subprocess.run(["sh", "-e", CONFIGURE_INSTANCE, "-"], env=env,
                               capture_output=True, text=True, timeout=60)
            if r.returncode != 0:
                raise RuntimeError("%s failed:\n%s%s" % (CONFIGURE_INSTANCE, r.stdout, r.stderr))
        errf = open(os.path.join(self.dir, "master.out"), "w")
        # master itself, not `postfix start-fg`: that runs master as a
        # grandchild (postfix -> postfix-script -> master -s), which a
        # signal to our child never reaches. master -d stays in the
        # foreground, so this pid is the master's own.
        self.proc = subprocess.Popen([MASTER, "-c", self.conf, "-d"], env=env,
                                     stdin=subprocess.DEVNULL, stdout=errf, stderr=errf)
        errf.close()
        for port, _ in self.listeners:
            if not wait_port(port, proc=self.proc):
                out = self.tail()
                self.stop()
                raise RuntimeError("postfix did not listen on %d:\n%s" % (port, out))
        return self

    def tail(self, n=4000):
        out = ""
        for name in ("master.out", "maillog"):
            try:
                with open(os.path.join(self.dir, name), errors="replace") as f:
                    out += "--- %s\n%s" % (name, f.read()[-n:])
            except OSError:
                pass
        return out

    def queued(self):
        """Names of files still in the incoming/active/deferred/hold queues."""
        found = []
        for q in ("maildrop", "incoming", "active", "deferred", "hold"):
            for root, _dirs, files in os.walk(os.path.join(self.queue, q)):
                found += [os.path.join(root, f) for f in files]
        return found

    def stop(self):
        p, self.proc = self.proc, None
        if p is None:
            return
        if p.poll() is None:
            # SIGTERM: master stops its children and exits.
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
