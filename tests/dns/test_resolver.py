#!/usr/bin/env python3
"""
lib/dns and lib/fcrdns against a real NSD serving tests/dns/zones, and a
FaultDNS in front of it where the network must misbehave. Each test is one
scenario: the zone data or fault it relies on is named in the test.

Usage: test_resolver.py --probe PATH/TO/dnsprobe [unittest args]
       (or DNSPROBE=PATH in the environment)

Only loopback is contacted; 192.0.2.x, 198.51.100.x and 2001:db8:: are
data in the zones.
"""
import glob
import json
import os
import subprocess
import sys
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import dnsfixture  # noqa: E402

ZONES = sorted(glob.glob(os.path.join(HERE, "zones", "*.zone")))
PROBE = os.environ.get("DNSPROBE", "")
TIMINGS = {}


def probe(resolvers, *args, timeout=1000, retries=1, depth=8, deadline=0, threads=1):
    if isinstance(resolvers, str):
        resolvers = [resolvers]
    cmd = [PROBE]
    for r in resolvers:
        cmd += ["--resolver", r]
    cmd += ["--timeout", str(timeout), "--retries", str(retries), "--depth", str(depth)]
    if deadline:
        cmd += ["--deadline", str(deadline)]
    if threads > 1:
        cmd += ["--threads", str(threads)]
    cmd += [str(a) for a in args]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    if p.returncode != 0:
        raise AssertionError("dnsprobe failed (%d): %s" % (p.returncode, p.stderr))
    return json.loads(p.stdout)


def lookup(resolvers, name, qtype, **kw):
    return probe(resolvers, "lookup", name, qtype, **kw)


def fcrdns(resolvers, ip, max_names=10, **kw):
    return probe(resolvers, "fcrdns", ip, max_names, **kw)


class Base(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.nsd = dnsfixture.NSD(ZONES).start()
        cls.ns = cls.nsd.resolver

    @classmethod
    def tearDownClass(cls):
        cls.nsd.stop()

    def fault(self, mode="proxy", rules=None, delay_ms=0):
        f = dnsfixture.FaultDNS(mode, upstream=self.ns, rules=rules, delay_ms=delay_ms).start()
        self.addCleanup(f.stop)
        return f


class Lookups(Base):
    def test_a(self):
        r = lookup(self.ns, "host.rdns.test", "A")
        self.assertEqual(r["status"], "ok")
        self.assertEqual(r["addrs"], ["192.0.2.10"])
        self.assertEqual(r["canonical"], "host.rdns.test")
        self.assertEqual(r["ttl"], 3600)
        self.assertEqual(r["detail"], "")

    def test_a_smallest_ttl(self):
        r = lookup(self.ns, "ttl.rdns.test", "A")
        self.assertEqual(sorted(r["addrs"]), ["192.0.2.11", "192.0.2.12"])
        self.assertEqual(r["ttl"], 60)

    def test_aaaa(self):
        r = lookup(self.ns, "host.rdns.test", "AAAA")
        self.assertEqual((r["status"], r["addrs"]), ("ok", ["2001:db8::10"]))

    def test_ptr(self):
        r = lookup(self.ns, "10.2.0.192.in-addr.arpa", "PTR")
        self.assertEqual((r["status"], r["names"]), ("ok", ["host.rdns.test"]))

    def test_ptr_names_normalized(self):
        # zone: 11 PTR Upper.Case.RDNS.test.
        r = lookup(self.ns, "11.2.0.192.IN-ADDR.ARPA.", "PTR")
        self.assertEqual(r["names"], ["upper.case.rdns.test"])
        self.assertEqual(r["canonical"], "11.2.0.192.in-addr.arpa")

    def test_question_case_insensitive(self):
        r = lookup(self.ns, "MiXeD-CaSe.RDNS.TEST", "A")
        self.assertEqual((r["status"], r["addrs"]), ("ok", ["192.0.2.31"]))

    def test_mx(self):
        r = lookup(self.ns, "mail.rdns.test", "MX")
        self.assertEqual(r["status"], "ok")
        self.assertEqual(dict(zip(r["names"], r["mx_pref"])),
                         {"mx1.rdns.test": 10, "mx2.rdns.test": 20})
        self.assertFalse(r["null_mx"])

    def test_null_mx(self):
        r = lookup(self.ns, "nullmx.rdns.test", "MX")
        self.assertEqual(r["status"], "ok")
        self.assertTrue(r["null_mx"])
        self.assertEqual(r["names"], [])

    def test_mx_zero_to_a_host_is_not_null(self):
        r = lookup(self.ns, "mxzero.rdns.test", "MX")
        self.assertFalse(r["null_mx"])
        self.assertEqual((r["names"], r["mx_pref"]), (["mx1.rdns.test"], [0]))

    def test_nxdomain(self):
        r = lookup(self.ns, "nope.rdns.test", "A")
        self.assertEqual(r["status"], "nxdomain")
        self.assertIn("nope.rdns.test", r["detail"])
        # RFC 2308: min(SOA TTL 3600, SOA minimum 300)
        self.assertEqual(r["ttl"], 300)

    def test_nodata(self):
        r = lookup(self.ns, "onlyv4.rdns.test", "AAAA")
        self.assertEqual((r["status"], r["addrs"]), ("nodata", []))
        self.assertEqual(r["ttl"], 300)
        r = lookup(self.ns, "mx.good.rdns.test", "MX")
        self.assertEqual(r["status"], "nodata")

    def test_cname_in_answer(self):
        # alias2 -> alias -> host, all in one reply
        r = lookup(self.ns, "alias2.rdns.test", "A")
        self.assertEqual((r["status"], r["addrs"]), ("ok", ["192.0.2.10"]))
        self.assertEqual(r["canonical"], "host.rdns.test")

    def test_cname_needing_requery(self):
        # the server answers only the CNAME; the target needs its own query
        f = self.fault(rules=[(r"^outalias\.", "cname_only")])
        r = lookup(f.resolver, "outalias.rdns.test", "A")
        self.assertEqual((r["status"], r["addrs"]), ("ok", ["198.51.100.77"]))
        self.assertEqual(r["canonical"], "target.other.test")
        self.assertEqual(f.count(qname="target.other.test"), 1)

    def test_dangling_cname(self):
        r = lookup(self.ns, "dangling.rdns.test", "A")
        self.assertEqual((r["status"], r["canonical"]), ("nxdomain", "nothere.rdns.test"))

    def test_rfc2317_classless_ptr(self):
        r = lookup(self.ns, "65.100.51.198.in-addr.arpa", "PTR")
        self.assertEqual((r["status"], r["names"]), ("ok", ["classless.other.test"]))
        self.assertEqual(r["canonical"], "65.64/26.100.51.198.in-addr.arpa")

    def test_cname_loop_in_answer(self):
        t0 = time.monotonic()
        r = lookup(self.ns, "loop1.rdns.test", "A")
        self.assertEqual(r["status"], "tempfail")
        self.assertIn("loop", r["detail"])
        self.assertLess(time.monotonic() - t0, 2.0)

    def test_cname_loop_across_queries(self):
        # each reply holds one CNAME only: the loop shows over several queries
        f = self.fault("cname_only")
        r = lookup(f.resolver, "loop1.rdns.test", "A")
        self.assertEqual(r["status"], "tempfail")
        self.assertIn("loop", r["detail"])
        self.assertLessEqual(f.count(), 3)

    def test_cname_chain_limit(self):
        # chain1 .. chain11 -> host: 11 links
        r = lookup(self.ns, "chain1.rdns.test", "A", depth=8)
        self.assertEqual(r["status"], "tempfail")
        self.assertIn("longer than 8", r["detail"])
        r = lookup(self.ns, "chain1.rdns.test", "A", depth=11)
        self.assertEqual((r["status"], r["addrs"]), ("ok", ["192.0.2.10"]))

    def test_cname_chain_limit_across_queries(self):
        f = self.fault("cname_only")
        r = lookup(f.resolver, "chain1.rdns.test", "A", depth=4)
        self.assertEqual(r["status"], "tempfail")
        self.assertLessEqual(f.count(), 5)

    def test_referral_is_not_nodata(self):
        # NSD does not recurse: for a delegated name it sends NS records only
        r = lookup(self.ns, "host.sub.rdns.test", "A")
        self.assertEqual(r["status"], "tempfail")
        self.assertIn("referral", r["detail"])

    def test_zone_not_served_refused(self):
        r = lookup(self.ns, "www.example.invalid", "A", retries=0)
        self.assertEqual(r["status"], "tempfail")
        self.assertIn("REFUSED", r["detail"])

    def test_invalid_name(self):
        r = lookup(self.ns, "a..b", "A")
        self.assertEqual(r["status"], "tempfail")
        self.assertIn("not a valid DNS name", r["detail"])
        r = lookup(self.ns, "x" * 300, "A")
        self.assertEqual(r["status"], "tempfail")

    def test_threads_share_one_resolver(self):
        r = probe(self.ns, "lookup", "40.2.0.192.in-addr.arpa", "PTR", threads=16)
        self.assertEqual(r["agree"], 16)
        self.assertEqual(len(r["names"]), 30)

    def test_ipv6_server(self):
        try:
            nsd6 = dnsfixture.NSD(ZONES, addr="::1").start()
        except (RuntimeError, OSError) as e:
            self.fail("NSD on ::1 did not start: %s" % e)
        self.addCleanup(nsd6.stop)
        self.assertTrue(nsd6.resolver.startswith("[::1]:"))
        r = lookup(nsd6.resolver, "host.rdns.test", "A")
        self.assertEqual(r["addrs"], ["192.0.2.10"])

    def test_bad_server_rejected(self):
        for bad in ("example.org", "127.0.0.1:0", "127.0.0.1:70000", "[::1", "1.2.3.4:x"):
            p = subprocess.run([PROBE, "--resolver", bad, "lookup", "host.rdns.test", "A"],
                               capture_output=True, text=True)
            self.assertEqual(p.returncode, 2, bad)
            self.assertIn("bad DNS server", p.stderr)


class Faults(Base):
    def test_silent_server_times_out(self):
        f = self.fault("silent")
        t0 = time.monotonic()
        r = lookup(f.resolver, "host.rdns.test", "A", timeout=300, retries=1)
        el = time.monotonic() - t0
        TIMINGS["silent server, 2 tries of 300 ms"] = el
        self.assertEqual(r["status"], "tempfail")
        self.assertEqual(r["detail"], "timeout after 2 tries to %s" % f.resolver)
        self.assertEqual(f.count("udp"), 2)
        self.assertGreaterEqual(el, 0.55)
        self.assertLess(el, 1.5)

    def test_silent_server_deadline(self):
        f = self.fault("silent")
        r = lookup(f.resolver, "host.rdns.test", "A", timeout=1000, retries=3, deadline=400)
        TIMINGS["silent server, deadline 400 ms (probe elapsed_ms)"] = r["elapsed_ms"] / 1000
        self.assertEqual(r["status"], "tempfail")
        self.assertGreaterEqual(r["elapsed_ms"], 390)
        self.assertLess(r["elapsed_ms"], 550)
        self.assertIn("budget", r["detail"])

    def test_servfail_and_refused(self):
        for mode, word in (("servfail", "SERVFAIL"), ("refused", "REFUSED")):
            f = self.fault(mode)
            t0 = time.monotonic()
            r = lookup(f.resolver, "host.rdns.test", "A", timeout=2000, retries=1)
            self.assertEqual(r["status"], "tempfail", mode)
            self.assertIn(word, r["detail"])
            self.assertEqual(f.count(), 2)            # 1 + retries, no waiting
            self.assertLess(time.monotonic() - t0, 1.5)

    def test_nobody_listening(self):
        # ICMP port unreachable ends the try at once instead of a timeout
        port = dnsfixture.free_port()
        r = lookup("127.0.0.1:%d" % port, "host.rdns.test", "A", timeout=2000)
        self.assertEqual(r["status"], "tempfail")
        self.assertIn("refused", r["detail"].lower())
        self.assertLess(r["elapsed_ms"], 500)

    def test_next_server_after_failure(self):
        for mode in ("servfail", "silent", "malformed"):
            f = self.fault(mode)
            r = lookup([f.resolver, self.ns], "host.rdns.test", "A", timeout=300)
            self.assertEqual((r["status"], r["addrs"]), ("ok", ["192.0.2.10"]), mode)
            self.assertEqual(f.count(), 1, mode)

    def test_truncated_retried_over_tcp(self):
        f = self.fault("truncate")
        r = lookup(f.resolver, "host.rdns.test", "A")
        self.assertEqual((r["status"], r["addrs"]), ("ok", ["192.0.2.10"]))
        self.assertEqual((f.count("udp"), f.count("tcp")), (1, 1))

    def test_thirty_ptr_names_over_tcp(self):
        # NSD truncates this PTR set over UDP without EDNS (TC, no records)
        f = self.fault("proxy")
        r = lookup(f.resolver, "40.2.0.192.in-addr.arpa", "PTR")
        self.assertEqual(r["status"], "ok")
        self.assertEqual(len(r["names"]), 30)
        self.assertIn("many.rdns.test", r["names"])
        self.assertEqual(f.count("tcp"), 1)

    def test_wrong_id_not_believed(self):
        f = self.fault("wrong_id")
        r = lookup(f.resolver, "host.rdns.test", "A", timeout=300, retries=0)
        self.assertEqual(r["status"], "tempfail")
        self.assertEqual(r["addrs"], [])
        self.assertIn("timeout", r["detail"])
        self.assertEqual(f.count(), 1)

    def test_wrong_question_not_believed(self):
        f = self.fault("wrong_question")
        r = lookup(f.resolver, "host.rdns.test", "A", timeout=300, retries=0)
        self.assertEqual(r["status"], "tempfail")
        self.assertEqual(r["addrs"], [])

    def test_spoofs_ignored_then_true_answer(self):
        # a forged reply (other ID, then other question, 203.0.113.x) comes
        # first; the client must keep waiting for the real one
        f = self.fault("spoof_first")
        r = lookup(f.resolver, "host.rdns.test", "A", timeout=1000, retries=0)
        self.assertEqual((r["status"], r["addrs"]), ("ok", ["192.0.2.10"]))

    def test_malformed(self):
        f = self.fault("malformed")
        t0 = time.monotonic()
        r = lookup(f.resolver, "host.rdns.test", "A", timeout=2000, retries=1)
        self.assertEqual(r["status"], "tempfail")
        self.assertIn("malformed", r["detail"])
        self.assertLess(time.monotonic() - t0, 1.5)

    def test_delay(self):
        f = self.fault("delay", delay_ms=200)
        r = lookup(f.resolver, "host.rdns.test", "A", timeout=1000, retries=0)
        self.assertEqual((r["status"], r["addrs"]), ("ok", ["192.0.2.10"]))
        self.assertGreaterEqual(r["elapsed_ms"], 190)
        f2 = self.fault("delay", delay_ms=800)
        r = lookup(f2.resolver, "host.rdns.test", "A", timeout=300, retries=0)
        self.assertEqual(r["status"], "tempfail")
        self.assertLess(r["elapsed_ms"], 600)

    def test_cold_lookup_time(self):
        t0 = time.monotonic()
        r = lookup(self.ns, "mx.good.rdns.test", "A")
        TIMINGS["cold A lookup (probe elapsed_ms)"] = r["elapsed_ms"] / 1000
        TIMINGS["cold A lookup incl. process start"] = time.monotonic() - t0
        self.assertEqual(r["status"], "ok")
        self.assertLess(r["elapsed_ms"], 200)


class Script:
    """One dnsprobe in script mode: one resolver for several lookups."""

    def __init__(self, resolver, timeout=300, retries=0):
        self.p = subprocess.Popen([PROBE, "--resolver", resolver, "--timeout", str(timeout),
                                   "--retries", str(retries), "--cache-size", "0", "script"],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def ask(self, line):
        self.p.stdin.write(line + "\n")
        self.p.stdin.flush()
        return json.loads(self.p.stdout.readline())

    def close(self):
        self.p.stdin.close()
        self.p.wait(10)
        self.p.stdout.close()


class Sockets(Base):
    """Transport of tries to a resolver on loopback (lib/dns_sock.h): a
    thread keeps its UDP socket between clean exchanges and drops it after
    a try that ended without its reply."""

    def script(self, resolver, **kw):
        s = Script(resolver, **kw)
        self.addCleanup(s.close)
        return s

    def test_loopback_socket_kept_between_lookups(self):
        f = self.fault("proxy")
        s = self.script(f.resolver)
        for name in ("host.rdns.test", "ttl.rdns.test", "host.rdns.test"):
            self.assertEqual(s.ask("lookup %s A" % name)["status"], "ok")
        ports = [p for _, p in f.udp_ports]
        self.assertEqual(len(ports), 3)
        self.assertEqual(len(set(ports)), 1, "one source port for three lookups: %s" % ports)

    def test_socket_dropped_after_a_try_without_reply(self):
        f = self.fault("proxy", rules=[(r"^lost\.", "silent")])
        s = self.script(f.resolver, retries=1)
        self.assertEqual(s.ask("lookup host.rdns.test A")["status"], "ok")
        self.assertEqual(s.ask("lookup lost.rdns.test A")["status"], "tempfail")
        self.assertEqual(s.ask("lookup ttl.rdns.test A")["status"], "ok")
        ports = [p for _, p in f.udp_ports]
        self.assertEqual([n for n, _ in f.udp_ports],
                         ["host.rdns.test", "lost.rdns.test", "lost.rdns.test", "ttl.rdns.test"])
        # the kept socket carries the first try; each try without a reply
        # closes its socket, so the retry and the next lookup get new ones
        self.assertEqual(ports[1], ports[0])
        self.assertNotEqual(ports[2], ports[1])
        self.assertNotIn(ports[3], ports[:3])

    def test_late_reply_never_read_as_the_next_answer(self):
        f = self.fault("proxy", rules=[(r"^host\.", "delay")], delay_ms=500)
        s = self.script(f.resolver, timeout=150)
        first = s.ask("lookup ttl.rdns.test A")
        self.assertEqual(first["status"], "ok")
        self.assertEqual(s.ask("lookup host.rdns.test A")["status"], "tempfail")
        # the reply to host.rdns.test arrives while this lookup waits
        r = s.ask("lookup mail.rdns.test MX")
        time.sleep(0.6)
        self.assertEqual(s.ask("lookup ttl.rdns.test A")["addrs"], first["addrs"])
        self.assertEqual(r["status"], "ok")
        self.assertEqual(s.ask("stats")["unwanted"], 0)

    def test_exchange_time_measured(self):
        fast = self.script(self.ns)
        self.assertEqual(fast.ask("stats")["rtt_us"], -1)
        fast.ask("lookup host.rdns.test A")
        self.assertGreaterEqual(fast.ask("stats")["rtt_us"], 0)
        self.assertLess(fast.ask("stats")["rtt_us"], 200000)
        f = self.fault("delay", delay_ms=60)
        slow = self.script(f.resolver, timeout=1000)
        for _ in range(3):
            slow.ask("lookup host.rdns.test A")
        self.assertGreaterEqual(slow.ask("stats")["rtt_us"], 50000)


class Iprev(Base):
    def test_pass(self):
        r = fcrdns(self.ns, "192.0.2.1")
        self.assertEqual(r["result"], "pass")
        self.assertEqual(r["verified"], "mx.good.rdns.test")
        self.assertEqual(r["ptr"], ["mx.good.rdns.test"])
        self.assertIn("confirms", r["detail"])

    def test_fail_ptr_name_without_a(self):
        r = fcrdns(self.ns, "192.0.2.2")
        self.assertEqual(r["result"], "fail")
        self.assertIsNone(r["verified"])
        self.assertEqual(r["detail"], "PTR name noaddr.rdns.test has no A record (NODATA)")

    def test_fail_ptr_name_nxdomain(self):
        r = fcrdns(self.ns, "192.0.2.8")
        self.assertEqual(r["result"], "fail")
        self.assertIn("NXDOMAIN", r["detail"])

    def test_fail_other_address(self):
        r = fcrdns(self.ns, "192.0.2.11")      # upper.case.rdns.test: no A at all
        self.assertEqual((r["result"], r["ptr"]), ("fail", ["upper.case.rdns.test"]))

    def test_permerror_nxdomain(self):
        r = fcrdns(self.ns, "192.0.2.200")
        self.assertEqual((r["result"], r["ptr"]), ("permerror", []))
        self.assertIn("NXDOMAIN", r["detail"])

    def test_permerror_nodata(self):
        r = fcrdns(self.ns, "192.0.2.9")       # TXT only
        self.assertEqual(r["result"], "permerror")
        self.assertIn("NODATA", r["detail"])

    def test_temperror_ptr(self):
        f = self.fault(rules=[(r"in-addr\.arpa$", "servfail")])
        r = fcrdns(f.resolver, "192.0.2.1")
        self.assertEqual(r["result"], "temperror")
        self.assertIn("SERVFAIL", r["detail"])

    def test_temperror_forward(self):
        f = self.fault(rules=[(r"^tempfail\.", "servfail")])
        r = fcrdns(f.resolver, "192.0.2.50")
        self.assertEqual(r["result"], "temperror")
        # one name fails for sure, the other is unknown: still temperror
        r = fcrdns(f.resolver, "192.0.2.52")
        self.assertEqual(r["result"], "temperror")
        self.assertEqual(len(r["ptr"]), 2)
        # a name that confirms wins over one that failed temporarily
        r = fcrdns(f.resolver, "192.0.2.51")
        self.assertEqual((r["result"], r["verified"]), ("pass", "ok51.rdns.test"))

    def test_temperror_deadline(self):
        f = self.fault("silent")
        r = fcrdns(f.resolver, "192.0.2.1", timeout=1000, retries=2, deadline=300)
        self.assertEqual(r["result"], "temperror")
        self.assertLess(r["elapsed_ms"], 450)

    def test_several_ptr_one_confirms_several_a(self):
        # 3 PTR multi1 (A .99) and multi2 (A .3 .4 .5 .6)
        r = fcrdns(self.ns, "192.0.2.3")
        self.assertEqual(r["result"], "pass")
        self.assertEqual(r["verified"], "multi2.rdns.test")
        self.assertEqual(sorted(r["ptr"]), ["multi1.rdns.test", "multi2.rdns.test"])
        r = fcrdns(self.ns, "192.0.2.99")       # no PTR for .99 itself
        self.assertEqual(r["result"], "permerror")

    def test_forward_name_is_cname(self):
        r = fcrdns(self.ns, "192.0.2.7")         # fwdalias CNAME real-host
        self.assertEqual((r["result"], r["verified"]), ("pass", "fwdalias.rdns.test"))

    def test_classless_rfc2317(self):
        r = fcrdns(self.ns, "198.51.100.65")
        self.assertEqual((r["result"], r["verified"]), ("pass", "classless.other.test"))

    def test_ipv6_pass(self):
        r = fcrdns(self.ns, "2001:db8::1")
        self.assertEqual((r["result"], r["verified"]), ("pass", "v6good.rdns.test"))

    def test_ipv6_ptr_name_with_only_a(self):
        r = fcrdns(self.ns, "2001:db8::2")
        self.assertEqual(r["result"], "fail")
        self.assertEqual(r["detail"], "PTR name v6onlya.rdns.test has no AAAA record (NODATA)")

    def test_dual_stack_name_confirms_both_families(self):
        # 2001:db8::10 PTR host.rdns.test, which has A and AAAA ::10
        r = fcrdns(self.ns, "2001:db8::10")
        self.assertEqual(r["result"], "pass")
        r = fcrdns(self.ns, "192.0.2.10")
        self.assertEqual(r["result"], "pass")

    def test_max_names_bound(self):
        # 40 has 30 PTR names; only the 30th (many.rdns.test) confirms
        f = self.fault("proxy")
        r = fcrdns(f.resolver, "192.0.2.40", max_names=5)
        self.assertEqual(r["result"], "fail")
        self.assertEqual(len(r["ptr"]), 5)
        forward = sum(1 for t, n, q in f.queries if q == 1)
        self.assertEqual(forward, 5)
        r = fcrdns(self.ns, "192.0.2.40", max_names=30)
        self.assertEqual((r["result"], r["verified"]), ("pass", "many.rdns.test"))


def main():
    global PROBE
    argv = sys.argv[:]
    if "--probe" in argv:
        i = argv.index("--probe")
        PROBE = argv[i + 1]
        del argv[i:i + 2]
    if not PROBE or not os.access(PROBE, os.X_OK):
        sys.stderr.write("test_resolver.py: need --probe PATH or DNSPROBE (got %r)\n" % PROBE)
        return 2
    prog = unittest.main(argv=argv, exit=False, verbosity=2)
    for k, v in TIMINGS.items():
        print("timing: %s: %.3f s" % (k, v))
    return 0 if prog.result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
