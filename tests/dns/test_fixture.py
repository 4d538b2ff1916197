#!/usr/bin/env python3
"""Smoke test of dnsfixture: NSD answers from the zones, and each FaultDNS
fault does what other tests rely on. Talks to loopback only."""
import glob
import os
import socket
import struct
import sys
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import dnsfixture  # noqa: E402
from dnsfixture import build_query, parse_header, parse_question  # noqa: E402

ZONES = sorted(glob.glob(os.path.join(HERE, "zones", "*.zone")))


def ask(resolver, name, qtype=1, tcp=False, timeout=1.0, qid=1234):
    host, port = resolver.rsplit(":", 1)
    q = build_query(name, qtype, qid=qid)
    if tcp:
        return dnsfixture._query_once_tcp(host, int(port), q, timeout)
    try:
        return dnsfixture._query_once_udp(host, int(port), q, timeout)
    except socket.timeout:
        return None


class FixtureTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.nsd = dnsfixture.NSD(ZONES).start()

    @classmethod
    def tearDownClass(cls):
        cls.nsd.stop()

    def test_nsd_answers(self):
        r = ask(self.nsd.resolver, "host.rdns.test")
        h = parse_header(r)
        self.assertEqual(h[0], 1234)
        self.assertEqual(h[1] & 0xF, 0)
        self.assertEqual(h[3], 1)
        self.assertIn(bytes([192, 0, 2, 10]), r)

    def test_nsd_truncates_thirty_ptr(self):
        r = ask(self.nsd.resolver, "40.2.0.192.in-addr.arpa", 12)
        self.assertTrue(parse_header(r)[1] & 0x0200, "TC expected over UDP")
        t = ask(self.nsd.resolver, "40.2.0.192.in-addr.arpa", 12, tcp=True)
        self.assertEqual(parse_header(t)[3], 30)

    def test_faults(self):
        up = self.nsd.resolver
        with dnsfixture.FaultDNS("silent", upstream=up) as f:
            self.assertIsNone(ask(f.resolver, "host.rdns.test", timeout=0.3))
            self.assertEqual(f.count("udp", "host.rdns.test"), 1)
        for mode, rcode in (("servfail", 2), ("refused", 5)):
            with dnsfixture.FaultDNS(mode, upstream=up) as f:
                h = parse_header(ask(f.resolver, "host.rdns.test"))
                self.assertEqual((h[0], h[1] & 0xF, h[3]), (1234, rcode, 0))
        with dnsfixture.FaultDNS("truncate", upstream=up) as f:
            h = parse_header(ask(f.resolver, "host.rdns.test"))
            self.assertTrue(h[1] & 0x0200)
            self.assertEqual(h[3], 0)
            h = parse_header(ask(f.resolver, "host.rdns.test", tcp=True))
            self.assertEqual((h[1] & 0x0200, h[3]), (0, 1))
        with dnsfixture.FaultDNS("wrong_id", upstream=up) as f:
            r = ask(f.resolver, "host.rdns.test")
            self.assertNotEqual(parse_header(r)[0], 1234)
            self.assertEqual(parse_header(r)[3], 1)
        with dnsfixture.FaultDNS("wrong_question", upstream=up) as f:
            r = ask(f.resolver, "host.rdns.test")
            self.assertEqual(parse_header(r)[0], 1234)
            self.assertNotEqual(parse_question(r)[0], "host.rdns.test")
        with dnsfixture.FaultDNS("malformed", upstream=up) as f:
            r = ask(f.resolver, "host.rdns.test")
            self.assertEqual(parse_header(r)[0], 1234)
            self.assertIsNone(parse_question(r))
        with dnsfixture.FaultDNS("delay", upstream=up, delay_ms=300) as f:
            t0 = time.monotonic()
            r = ask(f.resolver, "host.rdns.test")
            self.assertGreaterEqual(time.monotonic() - t0, 0.28)
            self.assertEqual(parse_header(r)[3], 1)
        with dnsfixture.FaultDNS("cname_only", upstream=up) as f:
            r = ask(f.resolver, "outalias.rdns.test")
            self.assertEqual(parse_header(r)[3], 1)
            self.assertNotIn(bytes([198, 51, 100, 77]), r)

    def test_rules_per_name(self):
        rules = [(r"^bad\.", "servfail")]
        with dnsfixture.FaultDNS(upstream=self.nsd.resolver, rules=rules) as f:
            self.assertEqual(parse_header(ask(f.resolver, "bad.rdns.test"))[1] & 0xF, 2)
            self.assertEqual(parse_header(ask(f.resolver, "host.rdns.test"))[1] & 0xF, 0)


if __name__ == "__main__":
    unittest.main(verbosity=2)
