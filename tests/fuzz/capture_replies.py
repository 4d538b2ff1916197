#!/usr/bin/env python3
"""
NAME
    capture_replies.py - real DNS replies from NSD as seeds for fuzz_dns_reply

DESCRIPTION
    Starts NSD (tests/dns/dnsfixture.py) on loopback with the zones of
    tests/dns, tests/scenarios and tests/hostile, asks it the questions
    the milter asks (A, AAAA, PTR, MX) over UDP and TCP, and writes each
    raw reply to tests/fuzz/corpus/fuzz_dns_reply/<sha1>. It covers data,
    NXDOMAIN, NODATA, CNAME chains and loops, referrals, REFUSED, replies
    truncated over UDP and their TCP versions, large RRsets, 8-bit and
    escaped labels and 255-byte names. A FaultDNS in front adds SERVFAIL,
    malformed and truncated replies.

    Only loopback is contacted. Python 3 standard library only.

USAGE
    python3 tests/fuzz/capture_replies.py
"""
import glob
import hashlib
import os
import random
import zlib
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(TOP, "tests", "dns"))
import dnsfixture  # noqa: E402

OUT = os.path.join(HERE, "corpus", "fuzz_dns_reply")
A, PTR, MX, AAAA = 1, 12, 15, 28


def zone_names(path):
    """(origin, owner names) of a zone file, read loosely."""
    origin, names = None, set()
    with open(path, encoding="latin-1") as f:
        for line in f:
            line = line.split(";")[0].rstrip()
            if line.startswith("$ORIGIN"):
                origin = line.split()[1].rstrip(".")
                continue
            if not line or line[0].isspace() or line.startswith("$"):
                continue
            owner = line.split()[0]
            if origin is None:
                continue
            names.add(origin if owner == "@" else
                      owner.rstrip(".") if owner.endswith(".") else owner + "." + origin)
    return origin, names


def ask(server, name, qtype, tcp=False):
    host, port = server.rsplit(":", 1)
    # an ID fixed per question: running the script again writes the same files
    qid = zlib.crc32(("%s/%d" % (name, qtype)).encode()) & 0xFFFF
    q = dnsfixture.build_query(name, qtype, qid=qid)
    try:
        if tcp:
            return dnsfixture._query_once_tcp(host, int(port), q, 2)
        return dnsfixture._query_once_udp(host, int(port), q, 2)
    except OSError:
        return None


def save(pkt):
    if not pkt:
        return 0
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, hashlib.sha1(pkt).hexdigest())
    if os.path.exists(path):
        return 0
    with open(path, "wb") as f:
        f.write(pkt)
    return 1


def main():
    random.seed(6)
    zones = []
    for d in ("dns", "scenarios", "hostile"):
        zones += sorted(glob.glob(os.path.join(TOP, "tests", d, "zones", "*.zone")))
    # one origin per NSD: later files of the same origin are left out
    seen, use = set(), []
    for z in zones:
        o, _ = zone_names(z)
        if o and o not in seen:
            seen.add(o)
            use.append(z)
    questions = set()
    for z in use:
        origin, names = zone_names(z)
        for n in names:
            if "\\" in n:         # escaped labels: encode_name cannot ask them
                continue
            qt = PTR if n.endswith(".arpa") else None
            for t in ([PTR] if qt else [A, AAAA, MX]):
                questions.add((n, t))
        questions.add(("nope." + origin, A))
    questions.add(("www.example.invalid", A))          # REFUSED: not served
    written = 0
    with dnsfixture.NSD(use) as nsd:
        for name, qt in sorted(questions):
            r = ask(nsd.resolver, name, qt)
            written += save(r)
            h = dnsfixture.parse_header(r) if r else None
            if h and h[1] & 0x0200:                     # TC: the TCP version too
                written += save(ask(nsd.resolver, name, qt, tcp=True))
        faults = ("servfail", "refused", "truncate", "malformed", "cname_only", "wrong_question")
        for mode in faults:
            with dnsfixture.FaultDNS(mode, upstream=nsd.resolver) as f:
                for name, qt in (("host.rdns.test", A), ("10.2.0.192.in-addr.arpa", PTR),
                                 ("alias2.rdns.test", A), ("mail.rdns.test", MX)):
                    written += save(ask(f.resolver, name, qt))
    print("fuzz_dns_reply: %d new seeds, %d in all" % (written, len(os.listdir(OUT))))


if __name__ == "__main__":
    main()
