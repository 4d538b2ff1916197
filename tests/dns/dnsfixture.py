#!/usr/bin/env python3
"""
NAME
    dnsfixture - real and misbehaving DNS servers on loopback, for tests

DESCRIPTION
    A DNS scenario is data: a zone file served by a real NSD, and, where a
    test needs the network to misbehave, a FaultDNS in front of it that
    drops, corrupts, spoofs, truncates or delays replies.

    NSD(zones)      NSD (Debian nsd) on 127.0.0.1:<free port>, serving each
                    zone file (origin from its "$ORIGIN x." line). Ready to
                    answer when start() returns.
    FaultDNS(...)   a UDP+TCP server on 127.0.0.1:<free port>, forwarding to
                    upstream except where a fault applies. Faults:
                      silent          never answer
                      servfail        RCODE 2
                      refused         RCODE 5
                      truncate        UDP: TC=1 and no records; TCP: normal
                      wrong_id        the upstream answer with another ID
                                      (a spoof), never the right one
                      wrong_question  the upstream answer with the question
                                      (and owner names) turned into another
                                      name of the same length
                      malformed       our ID and QR, then garbage bytes
                      delay           the correct answer after delay_ms
                      spoof_first     UDP: first a wrong_id and a
                                      wrong_question copy (with the
                                      addresses changed), then the true
                                      answer: a client must ignore the
                                      spoofs and keep waiting
                      cname_only      the upstream answer cut after its
                                      first record when that is a CNAME,
                                      as from a server that does not hold
                                      the target: the client must query
                                      the target itself
                      forward         no fault (the default in rules)
                    mode applies to every query; rules = [(qname_regex,
                    fault)] apply per query name (first match wins, the
                    regex is searched in the lowercase name without the
                    trailing dot) and take precedence over mode.

    Both are context managers and have .port, .addr and .resolver
    ("127.0.0.1:PORT", the form rdns config and --resolver take).
    FaultDNS also records every query it receives in .queries as
    (transport, qname, qtype) tuples, transport "udp" or "tcp".

    Only the Python 3 standard library is used; everything listens on
    loopback only.

CLI
    python3 dnsfixture.py serve ZONEFILE...
        starts NSD, prints "resolver 127.0.0.1:PORT", runs until SIGTERM or
        SIGINT.
    python3 dnsfixture.py fault --upstream 127.0.0.1:PORT [--mode M]
                          [--delay-ms N] [--rule REGEX=FAULT]...
        starts a FaultDNS, prints "resolver 127.0.0.1:PORT", runs until
        SIGTERM or SIGINT.
"""

import os
import random
import re
import select
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

__all__ = ["NSD", "FaultDNS", "free_port", "build_query", "parse_header"]

NSD_BIN = shutil.which("nsd") or "/usr/sbin/nsd"
FAULTS = ("forward", "proxy", "silent", "servfail", "refused", "truncate",
          "wrong_id", "wrong_question", "malformed", "delay", "cname_only", "spoof_first")


def free_port(addr="127.0.0.1"):
    """A port free for both UDP and TCP on addr (checked, not reserved)."""
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    for _ in range(100):
        t = socket.socket(fam, socket.SOCK_STREAM)
        u = socket.socket(fam, socket.SOCK_DGRAM)
        try:
            t.bind((addr, 0))
            port = t.getsockname()[1]
            u.bind((addr, port))
            return port
        except OSError:
            continue
        finally:
            t.close()
            u.close()
    raise RuntimeError("no free port on %s" % addr)


def _resolver_text(addr, port):
    return ("[%s]:%d" % (addr, port)) if ":" in addr else ("%s:%d" % (addr, port))


def _parse_resolver(text):
    m = re.match(r"^\[([^\]]+)\]:(\d+)$", text) or re.match(r"^([^:]+):(\d+)$", text)
    if not m:
        return text, 53
    return m.group(1), int(m.group(2))


# ---- minimal wire format helpers (enough for questions) -------------------

def encode_name(name):
    out = b""
    for label in name.rstrip(".").split("."):
        if label:
            out += bytes([len(label)]) + label.encode("ascii")
    return out + b"\0"


def build_query(name, qtype=1, qid=None, rd=True):
    """A query packet (no EDNS)."""
    if qid is None:
        qid = random.randrange(0, 65536)
    flags = 0x0100 if rd else 0
    return struct.pack("!HHHHHH", qid, flags, 1, 0, 0, 0) + encode_name(name) + struct.pack("!HH", qtype, 1)


def parse_header(pkt):
    """(id, flags, qdcount, ancount, nscount, arcount) or None."""
    if len(pkt) < 12:
        return None
    return struct.unpack("!HHHHHH", pkt[:12])


def parse_question(pkt):
    """(qname, qtype, qclass, end_offset) of the first question, or None.
    The question of a query has no compression pointers."""
    if len(pkt) < 12:
        return None
    off = 12
    labels = []
    while True:
        if off >= len(pkt):
            return None
        n = pkt[off]
        if n == 0:
            off += 1
            break
        if n & 0xC0 or off + 1 + n > len(pkt):
            return None
        labels.append(pkt[off + 1:off + 1 + n].decode("latin-1"))
        off += 1 + n
    if off + 4 > len(pkt):
        return None
    qtype, qclass = struct.unpack("!HH", pkt[off:off + 4])
    return ".".join(labels), qtype, qclass, off + 4


def _query_once_udp(addr, port, pkt, timeout):
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    try:
        s.settimeout(timeout)
        s.sendto(pkt, (addr, port))
        return s.recv(65535)
    finally:
        s.close()


def _recv_exact(sock, n):
    buf = b""
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return buf


def _query_once_tcp(addr, port, pkt, timeout):
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_STREAM)
    try:
        s.settimeout(timeout)
        s.connect((addr, port))
        s.sendall(struct.pack("!H", len(pkt)) + pkt)
        hdr = _recv_exact(s, 2)
        if hdr is None:
            return None
        return _recv_exact(s, struct.unpack("!H", hdr)[0])
    finally:
        s.close()


# ---- NSD ------------------------------------------------------------------

def _zone_origin(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            m = re.match(r"^\$ORIGIN\s+(\S+)", line)
            if m:
                return m.group(1).rstrip(".") + "."
    raise ValueError("%s: no $ORIGIN line" % path)


class NSD:
    """Real NSD serving zone files on addr:<free port>."""

    def __init__(self, zones, addr="127.0.0.1"):
        self.zones = [os.path.abspath(z) for z in zones]
        self.origins = [_zone_origin(z) for z in self.zones]
        self.addr = addr
        self.port = 0
        self.resolver = ""
        self.proc = None
        self.dir = None

    def _write_conf(self):
        d = self.dir
        lines = [
            "server:",
            '    ip-address: %s' % self.addr,
            "    port: %d" % self.port,
            "    do-ip4: %s" % ("no" if ":" in self.addr else "yes"),
            "    do-ip6: %s" % ("yes" if ":" in self.addr else "no"),
            '    username: ""',
            '    chroot: ""',
            '    database: ""',
            '    zonesdir: "%s"' % d,
            '    pidfile: "%s/nsd.pid"' % d,
            '    logfile: "%s/nsd.log"' % d,
            '    zonelistfile: "%s/zone.list"' % d,
            '    xfrdfile: "%s/xfrd.state"' % d,
            '    xfrdir: "%s"' % d,
            "    server-count: 1",
            "    verbosity: 1",
            "    hide-version: yes",
            "    minimal-responses: no",
            # Debian's NSD limits answers per source (RRL, 200 a second);
            # every test query comes from loopback, and a dropped answer
            # is a resolver timeout that no scenario asked for.
            "    rrl-ratelimit: 0",
            "    rrl-whitelist-ratelimit: 0",
            "remote-control:",
            "    control-enable: no",
        ]
        for origin, path in zip(self.origins, self.zones):
            lines += ["zone:", '    name: "%s"' % origin, '    zonefile: "%s"' % path]
        conf = os.path.join(d, "nsd.conf")
        with open(conf, "w") as f:
            f.write("\n".join(lines) + "\n")
        return conf

    def _log(self):
        try:
            with open(os.path.join(self.dir, "nsd.log")) as f:
                return f.read()[-4000:]
        except OSError:
            return ""

    def _ready(self):
        """NSD answers an SOA query for the first zone over UDP and TCP."""
        q = build_query(self.origins[0], qtype=6, qid=4242, rd=False)
        try:
            r = _query_once_udp(self.addr, self.port, q, 0.2)
            t = _query_once_tcp(self.addr, self.port, q, 0.2)
        except OSError:
            return False
        return bool(r and t and parse_header(r) and parse_header(r)[0] == 4242)

    def start(self):
        if self.proc is not None:
            return self
        last = ""
        for _attempt in range(5):
            self.dir = tempfile.mkdtemp(prefix="rdns-nsd-")
            self.port = free_port(self.addr)
            conf = self._write_conf()
            errf = open(os.path.join(self.dir, "stderr"), "w")
            self.proc = subprocess.Popen([NSD_BIN, "-d", "-c", conf], stdin=subprocess.DEVNULL,
                                         stdout=errf, stderr=errf)
            errf.close()
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and self.proc.poll() is None:
                if self._ready():
                    self.resolver = _resolver_text(self.addr, self.port)
                    return self
                time.sleep(0.02)
            with open(os.path.join(self.dir, "stderr")) as f:
                last = f.read()[-2000:] + self._log()
            self.stop()
            if "bind" not in last and "address already in use" not in last.lower():
                break
        raise RuntimeError("nsd did not start:\n" + last)

    def stop(self):
        p, self.proc = self.proc, None
        if p is not None:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
                try:
                    p.wait(5)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
        if self.dir:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


# ---- FaultDNS -------------------------------------------------------------

class FaultDNS:
    """A DNS server on loopback that forwards to upstream, except where a
    fault applies. Runs in threads (one for UDP, one for TCP, one per
    delayed reply or TCP connection)."""

    def __init__(self, mode="proxy", upstream=None, rules=None, delay_ms=0, addr="127.0.0.1"):
        for f in [mode] + [f for _, f in (rules or [])]:
            if f not in FAULTS:
                raise ValueError("unknown fault %r" % f)
        self.mode = mode
        self.upstream = _parse_resolver(upstream) if upstream else None
        self.rules = [(re.compile(rx, re.I), f) for rx, f in (rules or [])]
        self.delay_ms = delay_ms
        self.addr = addr
        self.port = 0
        self.resolver = ""
        self.queries = []
        self.udp_ports = []             # (qname, the query's source port), in order
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads = []
        self._udp = None
        self._tcp = None
        self._conns = []

    # -- lifecycle
    def start(self):
        fam = socket.AF_INET6 if ":" in self.addr else socket.AF_INET
        for _ in range(20):
            port = free_port(self.addr)
            u = socket.socket(fam, socket.SOCK_DGRAM)
            t = socket.socket(fam, socket.SOCK_STREAM)
            t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                u.bind((self.addr, port))
                t.bind((self.addr, port))
            except OSError:
                u.close()
                t.close()
                continue
            t.listen(64)
            self._udp, self._tcp, self.port = u, t, port
            break
        else:
            raise RuntimeError("FaultDNS: no free port")
        self.resolver = _resolver_text(self.addr, self.port)
        self._stop.clear()
        for fn in (self._udp_loop, self._tcp_loop):
            th = threading.Thread(target=fn, daemon=True)
            th.start()
            self._threads.append(th)
        return self

    def stop(self):
        self._stop.set()
        for th in self._threads:
            th.join(2)
        self._threads = []
        with self._lock:
            conns, self._conns = self._conns, []
        for c in conns:
            try:
                c.close()
            except OSError:
                pass
        for s in (self._udp, self._tcp):
            if s is not None:
                s.close()
        self._udp = self._tcp = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def count(self, transport=None, qname=None):
        """How many queries arrived (optionally of one transport / name)."""
        with self._lock:
            return sum(1 for t, n, _ in self.queries
                       if (transport is None or t == transport)
                       and (qname is None or n == qname.lower().rstrip(".")))

    # -- decisions
    def _fault_for(self, qname):
        for rx, fault in self.rules:
            if rx.search(qname):
                return fault
        return self.mode

    def _forward(self, pkt, transport):
        if self.upstream is None:
            return None
        host, port = self.upstream
        try:
            if transport == "tcp":
                return _query_once_tcp(host, port, pkt, 3)
            return _query_once_udp(host, port, pkt, 3)
        except OSError:
            return None

    @staticmethod
    def _error_reply(query, rcode, tc=False):
        q = parse_question(query)
        qid, flags = struct.unpack("!HH", query[:4])
        rflags = 0x8000 | (flags & 0x7900) | 0x0080 | rcode  # QR, opcode+RD, RA
        if tc:
            rflags |= 0x0200
        qsec = query[12:q[3]] if q else b""
        return struct.pack("!HHHHHH", qid, rflags, 1 if q else 0, 0, 0, 0) + qsec

    def _reply(self, query, transport):
        """The bytes to send back, or None for no reply."""
        q = parse_question(query)
        qname = q[0].lower() if q else ""
        with self._lock:
            self.queries.append((transport, qname, q[1] if q else 0))
        fault = self._fault_for(qname)
        if fault == "silent":
            return None
        if fault == "servfail":
            return self._error_reply(query, 2)
        if fault == "refused":
            return self._error_reply(query, 5)
        if fault == "truncate" and transport == "udp":
            return self._error_reply(query, 0, tc=True)
        if fault == "malformed":
            qid = query[:2]
            junk = bytes(random.randrange(256) for _ in range(40))
            # header claims one question and five answers; what follows is not them
            return qid + struct.pack("!HHHHH", 0x8180, 1, 5, 0, 0) + b"\x3f" + junk
        if fault == "delay":
            time.sleep(self.delay_ms / 1000.0)
        reply = self._forward(query, transport)
        if reply is None or len(reply) < 12:
            return None
        if fault == "wrong_id":
            rid = (struct.unpack("!H", reply[:2])[0] + 1 + random.randrange(1000)) & 0xFFFF
            return struct.pack("!H", rid) + reply[2:]
        if fault == "wrong_question":
            return self._other_question(reply)
        if fault == "cname_only":
            return self._first_cname(reply)
        return reply

    @staticmethod
    def _first_cname(reply):
        """Keeps the header, the question and the first answer record if
        it is a CNAME; the target then needs a query of its own."""
        q = parse_question(reply)
        hdr = parse_header(reply)
        if not q or not hdr or hdr[3] == 0:
            return reply
        off = q[3]
        while off < len(reply):           # skip the owner name
            n = reply[off]
            if n & 0xC0 == 0xC0:
                off += 2
                break
            off += 1 + n
            if n == 0:
                break
        if off + 10 > len(reply):
            return reply
        rtype, _, _, rdlen = struct.unpack("!HHIH", reply[off:off + 10])
        if rtype != 5:
            return reply
        end = off + 10 + rdlen
        return reply[:6] + struct.pack("!HHH", 1, 0, 0) + reply[12:end]

    @staticmethod
    def _forge_addresses(reply):
        """The reply with each 192.0.2.x A record turned into 203.0.113.x
        (documentation data), so a believed spoof shows in the result."""
        return reply.replace(bytes([0, 4, 192, 0, 2]), bytes([0, 4, 203, 0, 113]))

    @staticmethod
    def _other_question(reply):
        """Changes one letter of the question name in place; the answer's
        owner names point at it, so the reply answers another name."""
        q = parse_question(reply)
        if not q or len(reply) <= 13 or reply[12] == 0:
            return reply
        b = bytearray(reply)
        c = chr(b[13]).lower()
        b[13] = ord("q") if c != "q" else ord("z")
        return bytes(b)

    # -- transports
    def _udp_loop(self):
        while not self._stop.is_set():
            r, _, _ = select.select([self._udp], [], [], 0.05)
            if not r:
                continue
            try:
                pkt, peer = self._udp.recvfrom(65535)
            except OSError:
                continue
            q = parse_question(pkt)
            with self._lock:
                self.udp_ports.append((q[0].lower() if q else "", peer[1]))
            th = threading.Thread(target=self._udp_answer, args=(pkt, peer), daemon=True)
            th.start()

    def _udp_answer(self, pkt, peer):
        try:
            reply = self._reply(pkt, "udp")
            q = parse_question(pkt)
            if reply is not None and q and self._fault_for(q[0].lower()) == "spoof_first":
                forged = self._forge_addresses(reply)
                rid = (struct.unpack("!H", reply[:2])[0] ^ 0x5A5A) & 0xFFFF
                self._udp.sendto(struct.pack("!H", rid) + forged[2:], peer)
                self._udp.sendto(self._other_question(forged), peer)
                time.sleep(0.05)
            if reply is not None and not self._stop.is_set():
                self._udp.sendto(reply, peer)
        except (OSError, AttributeError):
            pass

    def _tcp_loop(self):
        while not self._stop.is_set():
            r, _, _ = select.select([self._tcp], [], [], 0.05)
            if not r:
                continue
            try:
                conn, _ = self._tcp.accept()
            except OSError:
                continue
            with self._lock:
                self._conns.append(conn)
            th = threading.Thread(target=self._tcp_conn, args=(conn,), daemon=True)
            th.start()

    def _tcp_conn(self, conn):
        try:
            conn.settimeout(10)
            while not self._stop.is_set():
                hdr = _recv_exact(conn, 2)
                if hdr is None:
                    break
                pkt = _recv_exact(conn, struct.unpack("!H", hdr)[0])
                if pkt is None:
                    break
                reply = self._reply(pkt, "tcp")
                if reply is not None:
                    conn.sendall(struct.pack("!H", len(reply)) + reply)
        except OSError:
            pass
        finally:
            try:
                conn.close()
            except OSError:
                pass


# ---- CLI ------------------------------------------------------------------

def _wait_for_signal():
    done = threading.Event()
    for s in (signal.SIGTERM, signal.SIGINT):
        signal.signal(s, lambda *_: done.set())
    while not done.is_set():
        done.wait(0.5)


def main(argv):
    if len(argv) >= 2 and argv[0] == "serve":
        with NSD(argv[1:]) as nsd:
            print("resolver %s" % nsd.resolver, flush=True)
            _wait_for_signal()
        return 0
    if argv and argv[0] == "fault":
        import argparse
        ap = argparse.ArgumentParser(prog="dnsfixture.py fault")
        ap.add_argument("--upstream")
        ap.add_argument("--mode", default="proxy")
        ap.add_argument("--delay-ms", type=int, default=0)
        ap.add_argument("--rule", action="append", default=[])
        a = ap.parse_args(argv[1:])
        rules = [tuple(r.rsplit("=", 1)) for r in a.rule]
        with FaultDNS(a.mode, a.upstream, rules, a.delay_ms) as f:
            print("resolver %s" % f.resolver, flush=True)
            _wait_for_signal()
        return 0
    sys.stderr.write("usage: dnsfixture.py serve ZONEFILE...\n"
                     "       dnsfixture.py fault --upstream HOST:PORT [--mode M] "
                     "[--delay-ms N] [--rule REGEX=FAULT]...\n")
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
