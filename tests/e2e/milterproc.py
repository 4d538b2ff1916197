"""
NAME
    milterproc - run rdns-milter for a test, in the foreground

DESCRIPTION
    Milter(binary, workdir, name, settings) writes workdir/name.yaml from
    settings (a dict, written as YAML flow values by yaml_value) and runs
    `rdns-milter -f -c name.yaml -s unix:workdir/name.sock`, logging to
    workdir/name.log. start() returns once the socket accepts connections;
    stop() ends the process by the id it started.

    The socket is made readable and writable by all (milter.socket_mode),
    since Postfix's smtpd connects as the unprivileged "postfix" user.
"""

import json
import os
import signal
import socket
import subprocess
import time


def yaml_value(v):
    """A Python value as a YAML flow value (JSON is valid YAML flow)."""
    return json.dumps(v)


def to_yaml(settings):
    lines = []
    for key, val in settings.items():
        if isinstance(val, dict):
            lines.append("%s:" % key)
            lines += ["  %s: %s" % (k, yaml_value(v)) for k, v in val.items()]
        else:
            lines.append("%s: %s" % (key, yaml_value(val)))
    return "\n".join(lines) + "\n"


class Milter:
    def __init__(self, binary, workdir, name, settings):
        self.binary = binary
        self.dir = workdir
        self.name = name
        self.sock = os.path.join(workdir, name + ".sock")
        self.spec = "unix:" + self.sock
        self.conf = os.path.join(workdir, name + ".yaml")
        self.log = os.path.join(workdir, name + ".log")
        self.settings = dict(settings)
        self.settings.setdefault("milter", {})
        self.settings["milter"] = dict(self.settings["milter"], socket=self.spec,
                                       socket_mode="0666")
        # The tests run as root; the daemon refuses that unless told.
        self.settings["milter"].setdefault("user", "root")
        self.proc = None
        self.returncode = None      # set by stop()

    def _connectable(self):
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            try:
                s.connect(self.sock)
                return True
            except OSError:
                return False

    def start(self):
        if not os.access(self.binary, os.X_OK):
            raise RuntimeError("no rdns-milter binary at %s (build it first)" % self.binary)
        with open(self.conf, "w") as f:
            f.write(to_yaml(self.settings))
        logf = open(self.log, "w")
        self.proc = subprocess.Popen([self.binary, "-f", "-c", self.conf, "-s", self.spec],
                                     stdin=subprocess.DEVNULL, stdout=logf, stderr=logf)
        logf.close()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("rdns-milter exited with %s:\n%s" % (self.proc.returncode,
                                                                        self.tail()))
            if os.path.exists(self.sock) and self._connectable():
                return self
            time.sleep(0.05)
        self.stop()
        raise RuntimeError("rdns-milter did not open %s:\n%s" % (self.sock, self.tail()))

    def tail(self, n=4000):
        try:
            with open(self.log, errors="replace") as f:
                return f.read()[-n:]
        except OSError:
            return ""

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def terminate(self):
        """Sends SIGTERM without waiting: libmilter notices it only at its
        next listener poll (up to ~5 s), so several milters are best
        stopped together, then waited for with stop()."""
        if self.alive():
            self.proc.send_signal(signal.SIGTERM)

    def stop(self):
        p, self.proc = self.proc, None
        if p is None:
            return None
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(15)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        self.returncode = p.returncode
        return p.returncode

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
