"""
NAME
    sink - an SMTP server on loopback that records what the MTA delivers

DESCRIPTION
    SmtpSink() listens on 127.0.0.1:<free port> and accepts every message
    (no delivery anywhere). Each message is recorded as a Delivered:
    envelope sender, recipients, the raw bytes and the parsed headers, so a
    test can assert exactly which headers reached the next hop.

    wait_for(pred, timeout) blocks until some delivered message matches;
    messages() returns the list so far. The MTAs under test relay
    everything they accept to this sink, so a message the milter refused
    must never appear here.

    Only the Python standard library; SMTP is spoken just enough for
    Postfix's and Sendmail's SMTP clients (EHLO, MAIL, RCPT, DATA, RSET,
    NOOP, QUIT).
"""

import email.parser
import email.policy
import socket
import threading
import time


class Delivered:
    def __init__(self, sender, rcpts, data):
        self.sender = sender
        self.rcpts = list(rcpts)
        self.data = data
        self.msg = email.parser.BytesParser(policy=email.policy.compat32).parsebytes(data)

    def headers(self, name):
        """All values of header name, in order, unfolded."""
        return [" ".join(v.split()) for v in (self.msg.get_all(name) or [])]

    def __repr__(self):
        return "Delivered(from=%r, to=%r, subject=%r)" % (self.sender, self.rcpts,
                                                          self.msg.get("Subject"))


class SmtpSink:
    def __init__(self, addr="127.0.0.1"):
        self.addr = addr
        self.port = 0
        self._sock = None
        self._lock = threading.Condition()
        self._msgs = []
        self._stop = False

    def start(self):
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind((self.addr, 0))
        self._sock.listen(16)
        self._sock.settimeout(0.2)
        self.port = self._sock.getsockname()[1]
        threading.Thread(target=self._accept_loop, daemon=True).start()
        return self

    def stop(self):
        self._stop = True
        if self._sock:
            self._sock.close()
            self._sock = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def messages(self):
        with self._lock:
            return list(self._msgs)

    def wait_for(self, pred, timeout=15.0):
        """The first delivered message with pred(msg) true, or None."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                for m in self._msgs:
                    if pred(m):
                        return m
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self._lock.wait(left)

    def _accept_loop(self):
        while not self._stop:
            try:
                conn, _peer = self._sock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            threading.Thread(target=self._session, args=(conn,), daemon=True).start()

    def _session(self, conn):
        conn.settimeout(30)
        f = conn.makefile("rb")
        send = lambda line: conn.sendall(line.encode() + b"\r\n")
        sender, rcpts = None, []
        try:
            send("220 sink.test ESMTP e2e sink")
            while True:
                line = f.readline(4096)
                if not line:
                    return
                cmd = line.decode("latin-1").rstrip("\r\n")
                verb = cmd[:4].upper()
                if verb in ("EHLO", "HELO"):
                    send("250-sink.test" if verb == "EHLO" else "250 sink.test")
                    if verb == "EHLO":
                        send("250-8BITMIME")
                        send("250 PIPELINING")
                elif verb == "MAIL":
                    sender, rcpts = cmd[10:].strip(), []
                    send("250 2.1.0 ok")
                elif verb == "RCPT":
                    rcpts.append(cmd[8:].strip())
                    send("250 2.1.5 ok")
                elif verb == "DATA":
                    send("354 go ahead")
                    data = self._read_data(f)
                    with self._lock:
                        self._msgs.append(Delivered(sender, rcpts, data))
                        self._lock.notify_all()
                    send("250 2.0.0 delivered to sink")
                    sender, rcpts = None, []
                elif verb == "RSET":
                    sender, rcpts = None, []
                    send("250 2.0.0 ok")
                elif verb == "NOOP":
                    send("250 2.0.0 ok")
                elif verb == "QUIT":
                    send("221 2.0.0 bye")
                    return
                else:
                    send("502 5.5.2 not here")
        except OSError:
            return
        finally:
            f.close()
            conn.close()

    @staticmethod
    def _read_data(f):
        out = []
        while True:
            line = f.readline(1 << 20)
            if not line or line in (b".\r\n", b".\n"):
                break
            if line.startswith(b".."):
                line = line[1:]
            out.append(line)
        return b"".join(out)
