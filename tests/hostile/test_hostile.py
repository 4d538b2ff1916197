#!/usr/bin/env python3
"""
NAME
    test_hostile.py - hostile DNS through rdns-check --json, the milter's path

DESCRIPTION
    A real NSD serves tests/hostile/zones (203.0.113.0/24 and 2001:db8:6::/48
    reverse, hostile.test forward; documentation data, never contacted), and a
    FaultDNS from tests/dns/dnsfixture.py stands in front of it where the
    network must misbehave: no answer, SERVFAIL, REFUSED, truncated UDP,
    malformed packets, replies with the wrong ID or for a question not
    asked, spoofs racing the true answer. The zones themselves are hostile:
    70 PTR names, 100 A records, CNAME loops forward and reverse, a PTR name
    that is a CNAME back to the reverse name, names at the 255-byte limit,
    8-bit, control and escaped bytes inside labels.

    Every case asserts: exit 0, output that is valid JSON made of printable
    ASCII only, the iprev result, a bounded time, and that DNS trouble never
    ends in action=reject (the client is given a bad HELO and MAIL FROM,
    6 points certain, so an unknown ptr_none would tip it over 7).

USAGE
    test_hostile.py RDNS_CHECK [unittest args]     (ctest hostile/dns)

    Only loopback is contacted. Python 3 standard library only.
"""
import glob
import json
import os
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "dns"))
import dnsfixture  # noqa: E402

RDNS_CHECK = None
ZONES = sorted(glob.glob(os.path.join(HERE, "zones", "*.zone")))

GOOD = "203.0.113.10"          # good.hostile.test confirms
SPOOFED = "203.0.113.77"       # spoofed.hostile.test A 192.0.2.77: fail
MANY = "203.0.113.60"          # 70 PTR names, n05 confirms
BIG = "203.0.113.61"           # big.hostile.test: 100 A, ours the last
FWD_LOOP = "203.0.113.62"      # PTR loop1, loop1 <-> loop2 CNAME
REV_LOOP = "203.0.113.63"      # the reverse name is a CNAME loop
SELF = "203.0.113.64"          # PTR self, self CNAME the reverse name
LONG_OK = "203.0.113.65"       # 253-byte name with our A
LONG_NO = "203.0.113.66"       # 253-byte name, no A
EIGHT_BIT = "203.0.113.67"     # ma\200il and a\.b
CONTROL = "203.0.113.68"       # \255\001\127evil\010\013name
QUOTE = "203.0.113.69"         # q\"uo\\te
V6_8BIT = "2001:db8:6::1"      # v6\200evil, AAAA confirms
V6_MAPPED = "2001:db8:6::2"    # v4tail: A 0.0.0.2 and AAAA ::ffff:0.0.0.2 only

LONG_NAME = "%s.%s.%s.%s.hostile.test" % ("l" * 63, "m" * 63, "n" * 63, "o" * 48)
BAD_CLIENT = ["--helo", "localhost", "--from", "a@localhost"]   # 3 + 3 points

# Where the answer can only be waited for (silence, spoofs), a short
# budget bounds the evaluation. Where there is an answer (an error, a
# loop, a big RRset), the patient config's long timeout would show if the
# client waited for nothing: those must end well before one timeout.
FAST = "dns:\n  timeout_ms: 300\n  retries: 1\n  budget_ms: 1500\n"
PATIENT = "dns:\n  timeout_ms: 4000\n  retries: 1\n  budget_ms: 8000\n"
BUDGET_S = 1.5
SLACK_S = 2.0                  # process start under ASan on a busy machine
QUICK_S = SLACK_S              # less than one patient timeout


class Base(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.nsd = dnsfixture.NSD(ZONES).start()
        cls.tmp = tempfile.TemporaryDirectory()
        cls.fast = cls.config("fast", FAST)
        cls.patient = cls.config("patient", PATIENT)

    @classmethod
    def tearDownClass(cls):
        cls.nsd.stop()
        cls.tmp.cleanup()

    @classmethod
    def config(cls, name, text):
        path = os.path.join(cls.tmp.name, name + ".yaml")
        with open(path, "w") as f:
            f.write(text)
        return path

    def fault(self, mode="forward", rules=None, delay_ms=0):
        f = dnsfixture.FaultDNS(mode, upstream=self.nsd.resolver, rules=rules,
                                delay_ms=delay_ms).start()
        self.addCleanup(f.stop)
        return f

    def check(self, ip, extra=(), resolver=None, config=None, max_s=BUDGET_S + SLACK_S,
              json_out=True):
        """Runs rdns-check; asserts exit 0, printable output, valid JSON
        and the time bound. Returns the parsed JSON (or the text)."""
        cmd = [RDNS_CHECK, "--resolver", resolver or self.nsd.resolver,
               "--config", config or self.fast]
        if json_out:
            cmd.append("--json")
        cmd += [ip] + list(extra)
        t0 = time.monotonic()
        p = subprocess.run(cmd, capture_output=True, timeout=60)
        took = time.monotonic() - t0
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertLess(took, max_s, "took %.2fs" % took)
        bad = [b for b in p.stdout if not (0x20 <= b <= 0x7e or b == 0x0a)]
        self.assertEqual(bad, [], "unprintable bytes in output: %r" % p.stdout[:400])
        if not json_out:
            return p.stdout.decode("ascii")
        self.assertEqual(p.stdout.count(b"\n"), 1, "one JSON line")
        out = json.loads(p.stdout)
        for field in ("client", "iprev", "ptr", "verified_name", "checks", "score", "action"):
            self.assertIn(field, out)
        return out

    def assert_dns_trouble(self, out):
        """DNS trouble: temperror, recorded, and never a reject."""
        self.assertEqual(out["iprev"], "temperror")
        self.assertNotEqual(out["action"], "reject")
        self.assertEqual(out["action"], "tempfail")      # 6 certain + 5 possible
        self.assertTrue(out["checks"]["dns_temperror"]["hit"])
        self.assertFalse(out["checks"]["fcrdns_fail"]["hit"])


class Faults(Base):
    """The network misbehaves; the zones are fine (GOOD confirms)."""

    def test_baseline_good_client_passes(self):
        out = self.check(GOOD, BAD_CLIENT)
        self.assertEqual((out["iprev"], out["verified_name"]), ("pass", "good.hostile.test"))

    def test_no_answer(self):
        f = self.fault("silent")
        out = self.check(GOOD, BAD_CLIENT, resolver=f.resolver)
        self.assert_dns_trouble(out)
        self.assertGreater(f.count(), 0)

    def test_servfail(self):
        f = self.fault("servfail")
        out = self.check(GOOD, BAD_CLIENT, resolver=f.resolver, config=self.patient, max_s=QUICK_S)
        self.assert_dns_trouble(out)
        self.assertIn("SERVFAIL", out["checks"]["ptr_none"]["detail"])

    def test_refused(self):
        f = self.fault("refused")
        out = self.check(GOOD, BAD_CLIENT, resolver=f.resolver, config=self.patient, max_s=QUICK_S)
        self.assert_dns_trouble(out)
        self.assertIn("REFUSED", out["checks"]["ptr_none"]["detail"])

    def test_malformed(self):
        f = self.fault("malformed")
        out = self.check(GOOD, BAD_CLIENT, resolver=f.resolver, config=self.patient, max_s=QUICK_S)
        self.assert_dns_trouble(out)

    def test_malformed_forward_answer_only(self):
        f = self.fault(rules=[(r"^good\.", "malformed")])
        out = self.check(GOOD, BAD_CLIENT, resolver=f.resolver, config=self.patient, max_s=QUICK_S)
        self.assert_dns_trouble(out)
        self.assertEqual(out["ptr"], ["good.hostile.test"])

    def test_truncated_udp_retried_over_tcp(self):
        f = self.fault("truncate")
        out = self.check(GOOD, BAD_CLIENT, resolver=f.resolver, config=self.patient, max_s=QUICK_S)
        self.assertEqual((out["iprev"], out["verified_name"]), ("pass", "good.hostile.test"))
        self.assertGreaterEqual(f.count("tcp", "10.113.0.203.in-addr.arpa"), 1)
        self.assertGreaterEqual(f.count("tcp", "good.hostile.test"), 1)

    def test_wrong_id_never_believed(self):
        # the true answer, under another ID: believing it would give pass
        f = self.fault("wrong_id")
        out = self.check(GOOD, BAD_CLIENT, resolver=f.resolver)
        self.assert_dns_trouble(out)
        self.assertEqual(out["ptr"], [])
        self.assertIsNone(out["verified_name"])

    def test_question_not_asked_never_believed(self):
        f = self.fault("wrong_question")
        out = self.check(GOOD, BAD_CLIENT, resolver=f.resolver)
        self.assert_dns_trouble(out)
        self.assertEqual(out["ptr"], [])

    def test_spoof_that_would_make_iprev_pass_is_ignored(self):
        # spoofed.hostile.test really has 192.0.2.77: iprev fails. The
        # spoofs sent first (wrong ID, then wrong question) carry
        # 203.0.113.77, the client's own address: believed, iprev passes.
        forged = dnsfixture.FaultDNS._forge_addresses(bytes([0, 4, 192, 0, 2, 77]))
        self.assertEqual(forged, bytes([0, 4, 203, 0, 113, 77]))
        f = self.fault(rules=[(r"^spoofed\.", "spoof_first")])
        out = self.check(SPOOFED, BAD_CLIENT, resolver=f.resolver)
        self.assertEqual(out["iprev"], "fail")
        self.assertIsNone(out["verified_name"])
        self.assertIn("192.0.2.77", out["checks"]["fcrdns_fail"]["detail"])
        self.assertNotIn("203.0.113.77", out["checks"]["fcrdns_fail"]["detail"].split("not")[0])
        self.assertEqual(f.count("udp", "spoofed.hostile.test"), 1)

    def test_spoofed_forward_answer_alone_never_believed(self):
        # only spoofs for the forward name: no conclusion, not a pass
        f = self.fault(rules=[(r"^spoofed\.", "wrong_id")])
        out = self.check(SPOOFED, BAD_CLIENT, resolver=f.resolver)
        self.assertEqual(out["iprev"], "temperror")
        self.assertNotEqual(out["action"], "reject")
        self.assertIsNone(out["verified_name"])

    def test_slow_server_within_budget(self):
        f = self.fault("delay", delay_ms=1000)        # longer than timeout_ms
        out = self.check(GOOD, BAD_CLIENT, resolver=f.resolver)
        self.assert_dns_trouble(out)


class BigAnswers(Base):
    def test_ptr_rrset_of_70_names(self):
        # does not fit 512 bytes: TC over UDP, then TCP; 10 names checked
        f = self.fault("forward")
        out = self.check(MANY, BAD_CLIENT, resolver=f.resolver, config=self.patient, max_s=QUICK_S + 1)
        self.assertEqual(len(out["ptr"]), 10)
        self.assertEqual((out["iprev"], out["verified_name"]), ("pass", "n05.many.hostile.test"))
        self.assertEqual(f.count("tcp", "60.113.0.203.in-addr.arpa"), 1)
        self.assertLessEqual(f.count(), 2 + 10 + 2)

    def test_ptr_rrset_checked_names_bounded(self):
        cfg = self.config("max64", PATIENT.replace("dns:\n", "dns:\n  max_ptr_names: 64\n"))
        out = self.check(MANY, BAD_CLIENT, config=cfg, max_s=QUICK_S + 2)
        self.assertLessEqual(len(out["ptr"]), 64)
        self.assertGreaterEqual(len(out["ptr"]), 10)
        self.assertEqual(out["iprev"], "pass")

    def test_a_rrset_of_100_records(self):
        # big.hostile.test has 100 A records; the client's is the 100th.
        # Keeping only some of them must not turn into a false "fail".
        out = self.check(BIG, BAD_CLIENT, config=self.patient, max_s=QUICK_S)
        self.assertNotEqual(out["action"], "reject")
        self.assertEqual(out["iprev"], "pass", out["checks"]["fcrdns_fail"]["detail"])
        self.assertEqual(out["verified_name"], "big.hostile.test")


class Cnames(Base):
    def test_forward_cname_loop(self):
        out = self.check(FWD_LOOP, BAD_CLIENT, config=self.patient, max_s=QUICK_S)
        self.assert_dns_trouble(out)
        self.assertIn("loop", out["checks"]["fcrdns_fail"]["detail"])
        self.assertTrue(out["checks"]["fcrdns_fail"].get("unknown"))

    def test_forward_cname_loop_across_queries(self):
        f = self.fault("cname_only")
        out = self.check(FWD_LOOP, BAD_CLIENT, resolver=f.resolver, config=self.patient, max_s=QUICK_S)
        self.assert_dns_trouble(out)
        self.assertLessEqual(f.count(), 12)

    def test_reverse_name_cname_loop(self):
        out = self.check(REV_LOOP, BAD_CLIENT, config=self.patient, max_s=QUICK_S)
        self.assert_dns_trouble(out)
        self.assertEqual(out["ptr"], [])
        self.assertTrue(out["checks"]["ptr_none"].get("unknown"))

    def test_ptr_name_cname_back_to_reverse_name(self):
        out = self.check(SELF, BAD_CLIENT, config=self.patient, max_s=QUICK_S)
        self.assertEqual((out["iprev"], out["ptr"]), ("fail", ["self.hostile.test"]))
        self.assertNotIn("loop", out["checks"]["fcrdns_fail"]["detail"])

    def test_ptr_name_cname_back_across_queries(self):
        f = self.fault("cname_only")
        out = self.check(SELF, BAD_CLIENT, resolver=f.resolver, config=self.patient, max_s=QUICK_S)
        self.assertEqual(out["iprev"], "fail")
        self.assertLessEqual(f.count(), 6)


class Names(Base):
    def test_name_at_the_255_byte_limit_confirms(self):
        self.assertEqual(len(LONG_NAME), 253)          # 255 bytes on the wire
        out = self.check(LONG_OK, BAD_CLIENT, config=self.patient, max_s=QUICK_S)
        self.assertEqual((out["iprev"], out["verified_name"]), ("pass", LONG_NAME))
        self.assertEqual(out["ptr"], [LONG_NAME])

    def test_name_at_the_limit_without_address(self):
        out = self.check(LONG_NO, BAD_CLIENT, config=self.patient, max_s=QUICK_S)
        self.assertEqual(out["iprev"], "fail")
        self.assertEqual(len(out["ptr"][0]), 253)

    def test_8bit_and_escaped_dot_shown_escaped(self):
        out = self.check(EIGHT_BIT, BAD_CLIENT, config=self.patient, max_s=QUICK_S)
        self.assertEqual(sorted(out["ptr"]), sorted(["ma\\200il.hostile.test",
                                                     "a\\.b.hostile.test"]))
        self.assertEqual(out["iprev"], "pass")
        self.assertIn(out["verified_name"], out["ptr"])
        for c in out["checks"].values():
            self.assertTrue(all(0x20 <= ord(ch) <= 0x7e for ch in c["detail"]), c)
        text = self.check(EIGHT_BIT, BAD_CLIENT, config=self.patient, max_s=QUICK_S, json_out=False)
        self.assertIn("ma\\200il.hostile.test", text)

    def test_control_bytes_in_label_never_raw(self):
        out = self.check(CONTROL, BAD_CLIENT, config=self.patient, max_s=QUICK_S)
        self.assertEqual(out["ptr"], ["\\255\\001\\127evil\\010\\013name.hostile.test"])
        for c in out["checks"].values():
            self.assertTrue(all(0x20 <= ord(ch) <= 0x7e for ch in c["detail"]), c)
        text = self.check(CONTROL, BAD_CLIENT, config=self.patient, max_s=QUICK_S, json_out=False)
        # no line was injected: every PTR line is one line
        self.assertEqual([ln for ln in text.splitlines() if "evil" in ln and
                          ln.startswith("PTR")],
                         ["PTR          \\255\\001\\127evil\\010\\013name.hostile.test"
                          "  (forward-confirmed)"])

    def test_quote_and_backslash_in_label(self):
        out = self.check(QUOTE, BAD_CLIENT, config=self.patient, max_s=QUICK_S)
        self.assertEqual(len(out["ptr"]), 1)
        name = out["ptr"][0]
        self.assertTrue(name.endswith(".hostile.test"), name)
        # the backslash byte is escaped ("\\"); the quote survives JSON
        self.assertIn(name, ('q"uo\\\\te.hostile.test', 'q\\"uo\\\\te.hostile.test'))

    def test_ipv6_client_8bit_name_over_tcp(self):
        f = self.fault("truncate")
        out = self.check(V6_8BIT, BAD_CLIENT, resolver=f.resolver, config=self.patient,
                         max_s=QUICK_S)
        self.assertEqual((out["iprev"], out["verified_name"]),
                         ("pass", "v6\\200evil.hostile.test"))
        self.assertGreaterEqual(f.count("tcp"), 2)

    def test_ipv6_client_not_confirmed_by_mapped_or_v4(self):
        out = self.check(V6_MAPPED, BAD_CLIENT, config=self.patient, max_s=QUICK_S)
        self.assertEqual(out["iprev"], "fail")
        self.assertIsNone(out["verified_name"])

    def test_hostile_helo_bytes_never_raw(self):
        helo = b"\xff\x01mail\r\nX-Evil: 1\x7f"
        out = self.check(GOOD, ["--helo", os.fsdecode(helo)], config=self.patient, max_s=QUICK_S)
        self.assertTrue(out["checks"]["helo_not_fqdn"]["hit"])
        self.assertIn("\\x0d\\x0a", out["checks"]["helo_not_fqdn"]["detail"])


if __name__ == "__main__":
    RDNS_CHECK = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
