#!/usr/bin/env python3
"""
NAME
    make_seeds.py - seed corpora for the fuzz targets, taken from the tests

DESCRIPTION
    Writes tests/fuzz/corpus/<target>/<sha1 of content> from what the other
    tests already use, so fuzzing starts from real shapes of input:

    fuzz_helo         string literals of tests/unit/test_helo.c, --helo
                      values of tests/scenarios/cases.txt, a few hostile
                      extras (NUL, CR LF, 8-bit, over-long)
    fuzz_sender       string literals of tests/unit/test_sender.c, --from
                      values of cases.txt, extras
    fuzz_sanitize     a size byte + HELO/MAIL FROM strings, PTR names of
                      tests/data/ptr-corpus.tsv, addresses and CIDRs from
                      tests/unit/test_addr.c
    fuzz_generic_ptr  flag byte + address bytes + name, for every row of
                      ptr-corpus.tsv (with and without its address)
    fuzz_config       the YAML of etc/, tests/scenarios/configs/ and the
                      string literals of tests/unit/test_config.c that
                      look like YAML

    fuzz_dns_reply seeds are real DNS replies, written by
    capture_replies.py (it needs NSD).

    Running it again is harmless: files are named by content. Python 3
    standard library only.

USAGE
    python3 tests/fuzz/make_seeds.py
"""
import codecs
import csv
import glob
import hashlib
import ipaddress
import os
import re
import shlex

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.normpath(os.path.join(HERE, "..", ".."))
CORPUS = os.path.join(HERE, "corpus")


def write(target, data):
    if isinstance(data, str):
        data = data.encode("latin-1", "backslashreplace")
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    path = os.path.join(d, hashlib.sha1(data).hexdigest())
    if not os.path.exists(path):
        with open(path, "wb") as f:
            f.write(data)
    return path


LITERAL = re.compile(r'"((?:[^"\\\n]|\\.)*)"')


def c_literals(path):
    """C string literals of a source file, adjacent ones joined, escapes
    decoded to bytes."""
    with open(path, encoding="utf-8", errors="replace") as f:
        text = f.read()
    out, last_end, cur = [], None, None
    for m in LITERAL.finditer(text):
        between = text[last_end:m.start()] if last_end is not None else "x"
        raw = m.group(1)
        try:
            val = codecs.escape_decode(raw.encode("utf-8"))[0]
        except ValueError:
            val = raw.encode("utf-8")
        if cur is not None and between.strip() == "":
            cur += val
        else:
            if cur is not None:
                out.append(cur)
            cur = val
        last_end = m.end()
    if cur is not None:
        out.append(cur)
    return out


def case_args(flag):
    vals = []
    path = os.path.join(TOP, "tests", "scenarios", "cases.txt")
    if not os.path.exists(path):
        return vals
    with open(path) as f:
        for line in f:
            if line.startswith("#") or "|" not in line:
                continue
            args = shlex.split(line.split("|")[1])
            for i, a in enumerate(args[:-1]):
                if a == flag:
                    vals.append(args[i + 1].encode())
    return vals


def corpus_rows():
    path = os.path.join(TOP, "tests", "data", "ptr-corpus.tsv")
    if not os.path.exists(path):
        return []
    with open(path, newline="", encoding="utf-8") as f:
        return [r for r in csv.DictReader(f, delimiter="\t") if r.get("hostname")]


def unit_literals(name):
    path = os.path.join(TOP, "tests", "unit", name)
    return c_literals(path) if os.path.exists(path) else []


HELO_EXTRA = [b"", b"mail.example.com\x00evil", b"mail.example.com\r\nRCPT TO:<x@y>",
              b"\xc3\xa9t\xc3\xa9.example", b"[IPv6:::ffff:192.0.2.1]", b"[2001:db8::1]",
              b"[192.0.2.1", b"a" * 63 + b"." + b"b" * 63 + b".example", b"x" * 300,
              b"[IPv6:" + b"1:" * 7 + b"1]", b"localhost.", b"-a.example", b"1.2.3.4"]
SENDER_EXTRA = [b"<>", b"", b"<@a,@b:user@example.com>", b'"a@b"@example.com',
                b"<user@example.com.>", b"user@[192.0.2.1]", b"<user@\xc3\xa9.example>",
                b"user@exa\x00mple.com", b"<" + b"x" * 250 + b"@example.com>",
                b"\"unterminated@example.com", b"user@ex\r\nample.com", b"<a@b> SIZE=100"]


def main():
    helos = set(unit_literals("test_helo.c")) | set(case_args("--helo")) | set(HELO_EXTRA)
    senders = set(unit_literals("test_sender.c")) | set(case_args("--from")) | set(SENDER_EXTRA)
    for h in helos:
        write("fuzz_helo", h)
    for s in senders:
        write("fuzz_sender", s)

    rows = corpus_rows()
    addrs = [s for s in unit_literals("test_addr.c") if re.match(rb"^[0-9a-fA-F:./]+$", s)]
    for i, s in enumerate(sorted(helos | senders | set(addrs))):
        write("fuzz_sanitize", bytes([(i * 37) % 256]) + s)
    for i, r in enumerate(rows[::5]):
        write("fuzz_sanitize", bytes([(i * 11) % 256]) + r["hostname"].encode())

    for r in rows:
        name = r["hostname"].encode()
        write("fuzz_generic_ptr", b"\x00" + name)
        ip = r.get("ip", "-")
        if ip and ip != "-":
            a = ipaddress.ip_address(ip)
            write("fuzz_generic_ptr", bytes([1 if a.version == 4 else 2]) + a.packed + name)

    yamls = glob.glob(os.path.join(TOP, "etc", "*.yaml"))
    yamls += glob.glob(os.path.join(TOP, "tests", "scenarios", "configs", "*.yaml"))
    yamls += glob.glob(os.path.join(TOP, "tests", "*", "configs", "*.yaml"))
    for p in sorted(set(yamls)):
        with open(p, "rb") as f:
            write("fuzz_config", f.read())
    for s in unit_literals("test_config.c"):
        if b":" in s and (b"\n" in s or s.endswith(b"]") or s.endswith(b"}")):
            write("fuzz_config", s)
    for d in sorted(os.listdir(CORPUS)):
        print("%-18s %5d seeds" % (d, len(os.listdir(os.path.join(CORPUS, d)))))


if __name__ == "__main__":
    main()
