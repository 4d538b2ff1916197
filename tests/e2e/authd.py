"""
NAME
    authd - tiny SASL password checkers for the MTAs' SMTP AUTH

DESCRIPTION
    The authenticated-client scenario needs the MTA to run a real SMTP AUTH
    exchange, so that the milter learns of it the way it does in
    production (the {auth_authen} macro at MAIL FROM). Real backends
    (Dovecot, saslauthd with PAM) are heavy, so each MTA gets a small
    checker speaking the backend protocol it already knows, on a Unix
    socket, accepting exactly one user (USER / PASSWORD):

      DovecotAuth  the Dovecot auth protocol (version 1.2) that Postfix
                   speaks with smtpd_sasl_type = dovecot; PLAIN and LOGIN.
      SaslAuthd    the saslauthd protocol that Cyrus SASL (Sendmail's SASL
                   library) speaks with pwcheck_method: saslauthd.

    Both record every login tried in .attempts as (user, ok).
"""

import base64
import os
import socket
import struct
import threading

USER = "roamer"
PASSWORD = "s3cret-e2e"


class _UnixServer:
    def __init__(self, path):
        self.path = path
        self.attempts = []
        self._sock = None

    def start(self):
        if os.path.exists(self.path):
            os.unlink(self.path)
        self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._sock.bind(self.path)
        # Postfix's smtpd runs as "postfix", Sendmail's children as root.
        os.chmod(self.path, 0o666)
        self._sock.listen(16)
        threading.Thread(target=self._loop, daemon=True).start()
        return self

    def stop(self):
        s, self._sock = self._sock, None
        if s:
            s.close()
        if os.path.exists(self.path):
            os.unlink(self.path)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def _loop(self):
        while self._sock:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve_safely, args=(conn,), daemon=True).start()

    def _serve_safely(self, conn):
        try:
            conn.settimeout(30)
            self.serve(conn)
        except (OSError, ValueError):
            pass
        finally:
            conn.close()

    def check(self, user, password):
        ok = user == USER and password == PASSWORD
        self.attempts.append((user, ok))
        return ok


class DovecotAuth(_UnixServer):
    """Server side of the Dovecot auth protocol, as much as Postfix uses."""

    def serve(self, conn):
        f = conn.makefile("rb")
        conn.sendall(b"VERSION\t1\t2\nMECH\tPLAIN\tplaintext\nMECH\tLOGIN\tplaintext\n"
                     b"SPID\t%d\nCUID\t1\nCOOKIE\t%s\nDONE\n"
                     % (os.getpid(), os.urandom(16).hex().encode()))
        pending = {}    # id -> (mech, state)
        for raw in f:
            parts = raw.rstrip(b"\n").decode("utf-8", "replace").split("\t")
            if parts[0] == "AUTH" and len(parts) >= 3:
                rid, mech = parts[1], parts[2].upper()
                resp = next((p[5:] for p in parts[3:] if p.startswith("resp=")), None)
                pending[rid] = [mech, []]
                self._step(conn, rid, pending, resp)
            elif parts[0] == "CONT" and len(parts) >= 2 and parts[1] in pending:
                self._step(conn, parts[1], pending, parts[2] if len(parts) > 2 else "")

    def _step(self, conn, rid, pending, resp):
        mech, got = pending[rid]
        if resp is not None:
            got.append(base64.b64decode(resp) if resp else b"")
        if mech == "PLAIN":
            if not got:
                return conn.sendall(b"CONT\t%s\t\n" % rid.encode())
            fields = got[0].split(b"\0")
            user, pw = (fields[1], fields[2]) if len(fields) == 3 else (b"", b"")
        elif mech == "LOGIN":
            prompts = [b"Username:", b"Password:"]
            if len(got) < 2:
                prompt = base64.b64encode(prompts[len(got)])
                return conn.sendall(b"CONT\t%s\t%s\n" % (rid.encode(), prompt))
            user, pw = got
        else:
            del pending[rid]
            return conn.sendall(b"FAIL\t%s\treason=unsupported\n" % rid.encode())
        del pending[rid]
        user, pw = user.decode("utf-8", "replace"), pw.decode("utf-8", "replace")
        if self.check(user, pw):
            conn.sendall(b"OK\t%s\tuser=%s\n" % (rid.encode(), user.encode()))
        else:
            conn.sendall(b"FAIL\t%s\tuser=%s\n" % (rid.encode(), user.encode()))


class SaslAuthd(_UnixServer):
    """Server side of saslauthd's protocol: four counted strings in
    (login, password, service, realm), one counted string out."""

    @staticmethod
    def _read(f):
        n = struct.unpack("!H", f.read(2))[0]
        return f.read(n).decode("utf-8", "replace")

    def serve(self, conn):
        f = conn.makefile("rb")
        user, pw, _service, _realm = (self._read(f) for _ in range(4))
        reply = b"OK" if self.check(user, pw) else b"NO"
        conn.sendall(struct.pack("!H", len(reply)) + reply)
