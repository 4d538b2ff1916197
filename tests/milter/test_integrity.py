#!/usr/bin/env python3
"""
NAME
    test_integrity.py - forged header fields and hostile log values, through
    the milter protocol

SYNOPSIS
    test_integrity.py --milter PATH CASE...

DESCRIPTION
    Speaks the MTA's side of the milter protocol itself (miltertest can tell
    that a field was deleted, not how many or which), against rdns-milter
    started as run_milter_tests.py starts it, with NSD serving
    tests/milter/zones. Cases:

    forged-many  Every field that is ours to delete is deleted, whatever
                 stands before it: 1000 foreign Authentication-Results and
                 then forged ones claiming our authserv-id; 1005 forged
                 X-RDNS-Score; exactly 2000 forged fields (the bound). The
                 deletions requested are compared one by one (name and
                 index, from the last down) with what was sent. A message
                 with more than 2000 gets a 451 at end of message and no
                 change at all, authenticated or not, and the log says so.
    log-fields   Hostile HELO, MAIL FROM, RCPT, queue id, AUTH user and PTR
                 name (served by NSD: space, '=', '"', '\\', 8-bit and
                 control bytes in its labels). Every key=value line is
                 parsed back with a strict parser of the format documented
                 in rdns-milter(8), LOGGING; the fields must be exactly the
                 documented keys, in order, each value equal to what was
                 sent (made printable as the daemon documents), a bare
                 MAIL FROM (Postfix's pickup) logged in brackets.

    Everything listens on loopback; the addresses in the zones are data.
"""

import argparse
import os
import re
import shlex
import shutil
import socket
import struct
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import run_milter_tests as rmt  # noqa: E402
from run_milter_tests import Fail, dnsfixture  # noqa: E402

SMFIP_NR_HDR = 0x80
LIMIT = 2000                    # CB_MAX_DELETE in milter/callbacks.c
AUTHSERV = "mx.milter.test"     # run_milter_tests.base_config
FINAL = (b"c", b"t", b"y", b"a", b"r", b"d")


class Session:
    """One milter connection, the MTA's side."""

    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX)
        self.s.settimeout(30)
        self.s.connect(path)
        rmt.mt_send(self.s, b"O", struct.pack("!III", 6, 0x1FF, 0x1FFFFF))
        cmd, data = rmt.mt_recv(self.s)
        if cmd != b"O":
            raise Fail("negotiation reply %r" % cmd)
        _, _, proto = struct.unpack("!III", data[:12])
        self.header_reply = not proto & SMFIP_NR_HDR

    def close(self):
        try:
            rmt.mt_send(self.s, b"Q")
        finally:
            self.s.close()

    def macros(self, stage, **kv):
        data = stage + b"".join(k.encode() + b"\0" + v + b"\0" for k, v in kv.items())
        rmt.mt_send(self.s, b"D", data)

    def step(self, cmd, data):
        rmt.mt_send(self.s, cmd, data)
        return rmt.mt_recv(self.s)

    def connect(self, ip):
        fam = b"6" if ":" in ip else b"4"
        return self.step(b"C", b"client\0" + fam + struct.pack("!H", 25) + ip.encode() + b"\0")

    def helo(self, name):
        return self.step(b"H", name + b"\0")

    def mail(self, sender):
        return self.step(b"M", sender + b"\0")

    def rcpt(self, rcpt):
        return self.step(b"R", rcpt + b"\0")

    def headers(self, fields):
        """Sends (name, value) pairs; with SMFIP_NR_HDR there is no reply."""
        for name, value in fields:
            rmt.mt_send(self.s, b"L", name.encode() + b"\0" + value.encode() + b"\0")
            if self.header_reply:
                cmd, _ = rmt.mt_recv(self.s)
                if cmd != b"c":
                    raise Fail("header reply %r" % cmd)

    def eom(self):
        """End of message: ([(action, index, name, value)], (cmd, data))."""
        rmt.mt_send(self.s, b"E")
        mods = []
        while True:
            cmd, data = rmt.mt_recv(self.s)
            if cmd in FINAL:
                return mods, (cmd, data)
            if cmd in (b"m", b"i"):
                (idx,) = struct.unpack("!I", data[:4])
                name, value = data[4:].split(b"\0")[:2]
                mods.append((cmd.decode(), idx, name.decode(), value.decode()))
            elif cmd == b"h":
                name, value = data.split(b"\0")[:2]
                mods.append(("h", 0, name.decode(), value.decode()))
            else:
                raise Fail("unexpected EOM action %r %r" % (cmd, data[:60]))

    def message(self, ip, helo, fields, auth=None):
        """A whole session up to end of message; returns eom()'s result."""
        if self.connect(ip)[0] != b"c" or self.helo(helo)[0] != b"c":
            raise Fail("connect/HELO refused")
        if auth is not None:
            self.macros(b"M", **{"{auth_authen}": auth})
        if self.mail(b"<a@good.milter.test>")[0] != b"c":
            raise Fail("MAIL refused")
        if self.rcpt(b"<user@example.milter.test>")[0] != b"c":
            raise Fail("RCPT refused")
        self.headers(fields)
        return self.eom()


def start(args, ns, work, extra=None):
    cfg = rmt.base_config(ns.resolver, work)
    cfg.update(extra or {})
    conf = os.path.join(work, "rdns-milter.yaml")
    rmt.write_config(conf, cfg)
    return rmt.Milter(args.milter, conf, work).start()


def deletions(mods):
    return [(name, idx) for act, idx, name, value in mods if act == "m" and value == ""]


def expect_deleted(mods, want, what):
    got = deletions(mods)
    if got != want:
        raise Fail("%s: deleted %d fields, expected %d; first differences: %r"
                   % (what, len(got), len(want),
                      [(g, w) for g, w in zip(got + [None] * len(want), want + [None] * len(got))
                       if g != w][:5]))


def expect_ours_added(mods, what):
    if not any(act == "i" and name == "X-RDNS-Score" for act, _, name, _ in mods):
        raise Fail("%s: our X-RDNS-Score was not added: %r" % (what, mods[-3:]))


def case_forged_many(args, ns):
    work = tempfile.mkdtemp(prefix="rdns-milter-t-")
    try:
        m = start(args, ns, work)
        try:
            good = ("203.0.113.10", b"mail.good.milter.test")
            foreign = ("Authentication-Results", "other.example; spf=pass smtp.mailfrom=a@b")
            forged = ("Authentication-Results",
                      "%s; iprev=pass policy.iprev=203.0.113.10" % AUTHSERV)

            # 1000 foreign A-R (26 KB, well under Postfix's limits), then
            # forged ones among more foreign ones: A-R #1001..1003 and #1005.
            fields = ([foreign] * 1000 + [forged] * 3 + [foreign]
                      + [("Authentication-Results", "(x) MX.Milter.TEST; iprev=pass")]
                      + [foreign] * 10)
            s = Session(m.sock)
            mods, final = s.message(*good, fields)
            s.close()
            if final[0] != b"c":
                raise Fail("1000 foreign A-R: EOM reply %r" % (final,))
            expect_deleted(mods, [("Authentication-Results", i) for i in (1005, 1003, 1002, 1001)],
                           "1000 foreign A-R then forged ones")
            expect_ours_added(mods, "1000 foreign A-R")

            # 1005 forged X-RDNS-Score, mixed case: every one, last first.
            fields = [("X-RDNS-Score" if i % 2 else "x-rdns-score", "0.0/7.0 forged %d" % i)
                      for i in range(1005)]
            s = Session(m.sock)
            mods, final = s.message(*good, fields)
            s.close()
            if final[0] != b"c":
                raise Fail("1005 X-RDNS-Score: EOM reply %r" % (final,))
            expect_deleted(mods, [("X-RDNS-Score", i) for i in range(1005, 0, -1)],
                           "1005 forged X-RDNS-Score")
            expect_ours_added(mods, "1005 forged X-RDNS-Score")

            # Exactly the bound: 1990 X-RDNS-Score and 10 of our A-R,
            # 2000 foreign A-R in between. All 2000 deleted.
            fields = ([("X-RDNS-Score", "forged")] * 1990 + [foreign] * 2000
                      + [forged] * 10)
            s = Session(m.sock)
            mods, final = s.message(*good, fields)
            s.close()
            if final[0] != b"c":
                raise Fail("%d forged fields: EOM reply %r" % (LIMIT, final))
            expect_deleted(mods, [("X-RDNS-Score", i) for i in range(1990, 0, -1)]
                           + [("Authentication-Results", i) for i in range(2010, 2000, -1)],
                           "%d forged fields" % LIMIT)

            # One more: 451 at end of message, nothing changed, whether the
            # sender authenticated or not; the next message is fine again.
            over = ([("X-RDNS-Score", "forged")] * 1990 + [foreign] * 5 + [forged] * 11)
            for auth in (None, b"alice"):
                s = Session(m.sock)
                mods, final = s.message(*good, over, auth=auth)
                if final[0] != b"y" or not final[1].startswith(b"451 4.7.1 "):
                    raise Fail("%d forged fields (auth %r): EOM reply %r"
                               % (LIMIT + 1, auth, final))
                if mods:
                    raise Fail("%d forged fields: changes requested anyway: %r"
                               % (LIMIT + 1, mods[:3]))
                if s.mail(b"<b@good.milter.test>")[0] != b"c" or \
                        s.rcpt(b"<user@example.milter.test>")[0] != b"c":
                    raise Fail("next message refused")
                s.headers([("X-RDNS-Score", "forged")])
                mods, final = s.eom()
                s.close()
                if final[0] != b"c":
                    raise Fail("next message: EOM reply %r" % (final,))
                expect_deleted(mods, [("X-RDNS-Score", 1)], "next message")
            rmt.wait_log(m, r"^rdns-milter\[\d+\]: client=203\.0\.113\.10 "
                            r"from=<a@good\.milter\.test> stage=eom result=451 "
                            r"reason=too_many_forged_fields$")
            if len(re.findall(r"reason=too_many_forged_fields", m.read_log())) != 2:
                raise Fail("expected two 451 lines:\n" + m.read_log()[-3000:])
            m.stop()
            # the statistics written at stop count both refusals
            if not re.search(r"stats: accept=\d+ .* forged_overflow=2$", m.read_log(), re.M):
                raise Fail("forged_overflow=2 not counted:\n" + m.read_log()[-3000:])
        finally:
            m.kill()
    finally:
        shutil.rmtree(work, ignore_errors=True)


# ---- log-fields --------------------------------------------------------------

KV = re.compile(r"([a-z_]+)=")


def parse_kv(text):
    """key=value fields as rdns-milter(8) LOGGING documents them: a value is
    bare (printable ASCII, no space, '=', '"' or '\\'), or quoted with \\",
    \\\\ and \\xNN escapes. Returns [(key, bytes)]; raises on anything else."""
    fields, i = [], 0
    while True:
        m = KV.match(text, i)
        if not m:
            raise Fail("no key at %d: %r" % (i, text[i:i + 40]))
        key, i = m.group(1), m.end()
        if text.startswith('"', i):
            i += 1
            val = bytearray()
            while True:
                if i >= len(text):
                    raise Fail("unterminated quoted value of %s" % key)
                ch = text[i]
                if ch == '"':
                    i += 1
                    break
                if ch == "\\":
                    nxt = text[i + 1:i + 2]
                    if nxt in ('"', "\\"):
                        val += nxt.encode()
                        i += 2
                    elif nxt == "x" and re.fullmatch(r"[0-9a-f]{2}", text[i + 2:i + 4]):
                        val.append(int(text[i + 2:i + 4], 16))
                        i += 4
                    else:
                        raise Fail("bad escape in %s: %r" % (key, text[i:i + 4]))
                elif " " <= ch <= "~":
                    val += ch.encode()
                    i += 1
                else:
                    raise Fail("raw byte %r in quoted %s" % (ch, key))
            if len(val) > 0 and all(0x20 < b < 0x7f and b not in b'="\\' for b in val):
                raise Fail("%s quoted although it need not be: %r" % (key, bytes(val)))
            val = bytes(val)
        else:
            end = text.find(" ", i)
            end = len(text) if end < 0 else end
            val = text[i:end]
            if not val or re.search(r'[="\\]|[^!-~]', val):
                raise Fail("bad bare value of %s: %r" % (key, val))
            val, i = val.encode(), end
        fields.append((key, val))
        if i == len(text):
            return fields
        if text[i] != " " or i + 1 == len(text):
            raise Fail("junk after %s at %d: %r" % (key, i, text[i:i + 20]))
        i += 1


def sanitized(raw, size):
    """rdns_sanitize(): printable ASCII, \\xNN for the rest, cut to size-1
    bytes ending in "..."."""
    out = b""
    for b in raw:
        piece = bytes([b]) if 0x20 <= b < 0x7f else b"\\x%02x" % b
        if len(out) + len(piece) > size - 1:
            return out[:size - 1 - 3] + b"..."
        out += piece
    return out


def kv_lines(log):
    """The parsed key=value lines of the log (those about a client). The
    man page says Python's shlex.split reads them too: checked here."""
    out = []
    for line in log.splitlines():
        m = re.match(r"^rdns-milter\[\d+\]: ((?:qid|client)=.*)$", line)
        if m:
            fields = parse_kv(m.group(1))
            if shlex.split(m.group(1)) != ["%s=%s" % (k, v.decode()) for k, v in fields]:
                raise Fail("shlex.split reads it otherwise: %r" % line)
            out.append((line, fields))
    return out


def one_line(lines, **want):
    got = [(line, f) for line, f in lines
           if all(dict(f).get(k) == v.encode() for k, v in want.items())]
    if len(got) != 1:
        raise Fail("%d lines with %r:\n%s" % (len(got), want, "\n".join(ln for ln, _ in lines)))
    return got[0]


def expect_fields(line, fields, want):
    """want: [(key, bytes or None for any value)], in order."""
    keys = [k for k, _ in fields]
    if keys != [k for k, _ in want]:
        raise Fail("keys %r, expected %r in\n%s" % (keys, [k for k, _ in want], line))
    for (k, got), (_, exp) in zip(fields, want):
        if exp is not None and got != exp:
            raise Fail("%s=%r, expected %r in\n%s" % (k, got, exp, line))


HOSTILE_HELO = b"x score=0.0/7.0 action=accept stage=eom result=header"
HOSTILE_FROM = b'<a"b\\c=d@x> score=0.0/7.0 action=accept hits=none \x01\xe9 "'
HOSTILE_RCPT = b"<user@example.milter.test> result=header"
HOSTILE_QID = b'Q1 action=accept"'
HOSTILE_USER = b'alice result=trusted x="y\\'
# tests/milter/zones: ldns's presentation form of the PTR of 203.0.113.88
# ('"' is printed as it is by some ldns versions, escaped by others).
HOSTILE_PTR = (b'x\\032score=0.0/7.0\\032action=accept\\032"q\\\\\\200\\009.evil.milter.test',
               b'x\\032score=0.0/7.0\\032action=accept\\032\\"q\\\\\\200\\009.evil.milter.test')


def case_log_fields(args, ns):
    work = tempfile.mkdtemp(prefix="rdns-milter-t-")
    try:
        m = start(args, ns, work, {"trusted_networks": "trusted_networks: [203.0.113.99/32]"})
        try:
            # A: the hostile PTR, HELO, sender, recipient and queue id; the
            # client is refused at RCPT.
            s = Session(m.sock)
            if s.connect("203.0.113.88")[0] != b"c" or s.helo(HOSTILE_HELO)[0] != b"c":
                raise Fail("A: refused before MAIL")
            s.macros(b"M", i=HOSTILE_QID)
            if s.mail(HOSTILE_FROM)[0] != b"c":
                raise Fail("A: MAIL refused")
            r = s.rcpt(HOSTILE_RCPT)
            if r[0] != b"y" or not r[1].startswith(b"550 "):
                raise Fail("A: RCPT reply %r" % (r,))
            s.close()

            # B: authenticated, with a hostile user name.
            s = Session(m.sock)
            if s.connect("203.0.113.66")[0] != b"c" or s.helo(b"localhost")[0] != b"c":
                raise Fail("B: refused before MAIL")
            s.macros(b"M", **{"{auth_authen}": HOSTILE_USER})
            if s.mail(HOSTILE_FROM)[0] != b"c":
                raise Fail("B: MAIL refused")
            s.close()

            # C: a good server with an odd HELO: accepted, decision at EOM.
            s = Session(m.sock)
            helo_c = b'a"b\\c d=e\x80\t'
            if s.connect("203.0.113.10")[0] != b"c" or s.helo(helo_c)[0] != b"c":
                raise Fail("C: refused before MAIL")
            if s.mail(b"<>")[0] != b"c" or s.rcpt(b"<user@example.milter.test>")[0] != b"c":
                raise Fail("C: refused")
            s.macros(b"E", i=b"QC")
            mods, final = s.eom()
            if final[0] != b"c":
                raise Fail("C: EOM reply %r" % (final,))
            # and a bare sender, as Postfix passes mail from pickup
            if s.mail(b"local@good.milter.test")[0] != b"c" or \
                    s.rcpt(b"<user@example.milter.test>")[0] != b"c":
                raise Fail("C2: refused")
            s.macros(b"E", i=b"QC2")
            mods, final = s.eom()
            s.close()

            # D: trusted_networks.
            s = Session(m.sock)
            if s.connect("203.0.113.99")[0] != b"a":
                raise Fail("D: trusted client not accepted at connect")
            s.close()

            deadline = time.monotonic() + 10
            while len(kv_lines(m.read_log())) < 5 and time.monotonic() < deadline:
                time.sleep(0.05)
            lines = kv_lines(m.read_log())

            line, f = one_line(lines, client="203.0.113.88")
            expect_fields(line, f, [
                ("qid", sanitized(HOSTILE_QID, 64)), ("client", b"203.0.113.88"),
                ("ptr", None), ("iprev", b"fail"), ("helo", sanitized(HOSTILE_HELO, 128)),
                ("from", sanitized(HOSTILE_FROM, 256)), ("rcpt", sanitized(HOSTILE_RCPT, 256)),
                ("score", None), ("action", b"reject"), ("stage", b"rcpt"), ("result", b"550"),
                ("hits", None)])
            if dict(f)["ptr"] not in HOSTILE_PTR:
                raise Fail("ptr=%r, expected one of %r" % (dict(f)["ptr"], HOSTILE_PTR))
            if not re.fullmatch(rb"\d+\.\d/7\.0", dict(f)["score"]):
                raise Fail("score=%r" % dict(f)["score"])

            line, f = one_line(lines, client="203.0.113.66")
            expect_fields(line, f, [
                ("client", b"203.0.113.66"), ("from", sanitized(HOSTILE_FROM, 256)),
                ("auth", sanitized(HOSTILE_USER, 256)), ("stage", b"mail"),
                ("result", b"authenticated")])

            line, f = one_line(lines, qid="QC2")
            if dict(f).get("from") != b"<local@good.milter.test>":
                raise Fail("a bare sender is logged in brackets, as Postfix does:\n" + line)

            line, f = one_line(lines, qid="QC")
            expect_fields(line, f, [
                ("qid", b"QC"), ("client", b"203.0.113.10"), ("ptr", b"mail.good.milter.test"),
                ("iprev", b"pass"), ("helo", sanitized(helo_c, 128)), ("from", b"<>"),
                ("score", None), ("action", b"accept"), ("stage", b"eom"),
                ("result", b"header"), ("hits", None)])

            line, f = one_line(lines, client="203.0.113.99")
            expect_fields(line, f, [("client", b"203.0.113.99"), ("stage", b"connect"),
                                    ("result", b"trusted")])
            m.stop()
        finally:
            m.kill()
    finally:
        shutil.rmtree(work, ignore_errors=True)


CASES = {"forged-many": case_forged_many, "log-fields": case_log_fields}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--milter", required=True)
    ap.add_argument("cases", nargs="+")
    args = ap.parse_args()
    args.milter = os.path.abspath(args.milter)
    failed = 0
    with dnsfixture.NSD(rmt.ZONES) as ns:
        for case in args.cases:
            try:
                CASES[case](args, ns)
                print("ok   %s" % case)
            except (Fail, OSError, AssertionError, socket.timeout) as e:
                failed += 1
                print("FAIL %s: %s" % (case, e))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
