#!/usr/bin/env python3
"""
The DNS cache of lib/dns against a real NSD, seen through a FaultDNS in
front of it that counts the queries it receives: a cached answer costs no
query, an expired one does, failures are asked again.

One dnsprobe process ("script" mode) keeps one resolver, so one cache, for
a whole test; the test sends it lookups and reads the answers line by line.

The zones are written by this file (data below): short TTLs make expiry
testable in about a second.

Usage: test_cache.py --probe PATH/TO/dnsprobe [unittest args]
       (or DNSPROBE=PATH in the environment)

Only loopback is contacted; 192.0.2.x addresses are data.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import dnsfixture  # noqa: E402

PROBE = os.environ.get("DNSPROBE", "")

# Negative answers: the SOA says 3600 for itself but 2 as MINIMUM, so
# NXDOMAIN/NODATA live 2 s (RFC 2308: the smaller of the two).
CACHE_ZONE = """\
$ORIGIN cache.test.
$TTL 3600
@        IN SOA ns.cache.test. hostmaster.cache.test. 1 3600 600 86400 2
@        IN NS  ns
ns       IN A   127.0.0.1
long     IN A   192.0.2.1
short  1 IN A   192.0.2.2
zero   0 IN A   192.0.2.3
alias  1 IN CNAME long
text     IN TXT "a name with no A record"
sfail    IN A   192.0.2.4
mixed    IN A   192.0.2.5
"""

# Here the SOA's own TTL (2) is the smaller one.
SOATTL_ZONE = """\
$ORIGIN soattl.test.
$TTL 3600
@      2 IN SOA ns.soattl.test. hostmaster.soattl.test. 1 3600 600 86400 3600
@        IN NS  ns.cache.test.
here     IN A   192.0.2.9
"""


class Probe:
    """One dnsprobe in script mode."""

    def __init__(self, resolver, *opts):
        cmd = [PROBE, "--resolver", resolver, "--timeout", "500", "--retries", "0"]
        cmd += [str(o) for o in opts] + ["script"]
        self.p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  text=True, bufsize=1)

    def _ask(self, line):
        self.p.stdin.write(line + "\n")
        self.p.stdin.flush()
        out = self.p.stdout.readline()
        if not out:
            raise AssertionError("dnsprobe died (exit %s)" % self.p.poll())
        return json.loads(out)

    def lookup(self, name, qtype="A"):
        return self._ask("lookup %s %s" % (name, qtype))

    def stats(self):
        return self._ask("stats")

    def close(self):
        self.p.stdin.close()
        self.p.stdout.close()
        self.p.wait(10)


class CacheTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="rdns-cache-zones-")
        zones = []
        for name, text in (("cache.test.zone", CACHE_ZONE), ("soattl.test.zone", SOATTL_ZONE)):
            path = os.path.join(cls.dir, name)
            with open(path, "w") as f:
                f.write(text)
            zones.append(path)
        cls.nsd = dnsfixture.NSD(zones).start()

    @classmethod
    def tearDownClass(cls):
        cls.nsd.stop()
        shutil.rmtree(cls.dir, ignore_errors=True)

    def setUp(self):
        self.fault = dnsfixture.FaultDNS("forward", upstream=self.nsd.resolver,
                                         rules=[(r"^sfail\.", "servfail")]).start()
        self.addCleanup(self.fault.stop)

    def probe(self, *opts):
        p = Probe(self.fault.resolver, *opts)
        self.addCleanup(p.close)
        return p

    def asked(self, name):
        return self.fault.count(qname=name)

    # -- positive answers

    def test_second_lookup_is_not_asked(self):
        p = self.probe()
        a = p.lookup("long.cache.test")
        self.assertEqual((a["status"], a["addrs"], a["ttl"]), ("ok", ["192.0.2.1"], 3600))
        self.assertEqual(self.asked("long.cache.test"), 1)
        b = p.lookup("long.cache.test")
        self.assertEqual(b["addrs"], ["192.0.2.1"])
        self.assertEqual(b["canonical"], "long.cache.test")
        self.assertLessEqual(b["ttl"], 3600)
        self.assertGreaterEqual(b["ttl"], 3599)
        self.assertEqual(self.asked("long.cache.test"), 1)
        # the same name in other spelling is the same key; another type is not
        c = p.lookup("LONG.Cache.Test.")
        self.assertEqual(c["addrs"], ["192.0.2.1"])
        self.assertEqual(self.asked("long.cache.test"), 1)
        p.lookup("long.cache.test", "AAAA")
        self.assertEqual(self.asked("long.cache.test"), 2)
        s = p.stats()
        self.assertEqual((s["hits"], s["misses"], s["inserts"]), (2, 2, 2))
        self.assertEqual(s["capacity"], 50000)

    def test_ttl_counts_down(self):
        p = self.probe()
        p.lookup("long.cache.test")
        time.sleep(1.1)
        b = p.lookup("long.cache.test")
        self.assertIn(b["ttl"], (3598, 3599))
        self.assertEqual(self.asked("long.cache.test"), 1)

    def test_expired_answer_is_asked_again(self):
        p = self.probe()
        a = p.lookup("short.cache.test")
        self.assertEqual((a["status"], a["ttl"]), ("ok", 1))
        p.lookup("short.cache.test")
        self.assertEqual(self.asked("short.cache.test"), 1)
        time.sleep(1.1)
        b = p.lookup("short.cache.test")
        self.assertEqual(b["addrs"], ["192.0.2.2"])
        self.assertEqual(self.asked("short.cache.test"), 2)
        self.assertEqual(p.stats()["expired"], 1)

    def test_cname_chain_kept_for_its_smallest_ttl(self):
        p = self.probe()
        a = p.lookup("alias.cache.test")
        self.assertEqual((a["addrs"], a["canonical"], a["ttl"]),
                         (["192.0.2.1"], "long.cache.test", 1))
        p.lookup("alias.cache.test")
        self.assertEqual(self.asked("alias.cache.test"), 1)
        time.sleep(1.1)
        p.lookup("alias.cache.test")
        self.assertEqual(self.asked("alias.cache.test"), 2)

    def test_ttl_zero_never_kept(self):
        p = self.probe("--cache-min-ttl", 60)
        for _ in range(2):
            a = p.lookup("zero.cache.test")
            self.assertEqual((a["status"], a["ttl"]), ("ok", 0))
        self.assertEqual(self.asked("zero.cache.test"), 2)

    def test_max_ttl_cuts(self):
        p = self.probe("--cache-max-ttl", 1)
        a = p.lookup("long.cache.test")
        self.assertEqual(a["ttl"], 3600)          # the fresh answer says what DNS said
        b = p.lookup("long.cache.test")
        self.assertEqual(b["ttl"], 1)             # the cache keeps it 1 s at most
        self.assertEqual(self.asked("long.cache.test"), 1)
        time.sleep(1.1)
        p.lookup("long.cache.test")
        self.assertEqual(self.asked("long.cache.test"), 2)

    def test_min_ttl_raises(self):
        p = self.probe("--cache-min-ttl", 30)
        p.lookup("short.cache.test")
        time.sleep(1.1)
        b = p.lookup("short.cache.test")
        self.assertEqual(b["addrs"], ["192.0.2.2"])
        self.assertIn(b["ttl"], (28, 29))
        self.assertEqual(self.asked("short.cache.test"), 1)

    # -- negative answers

    def test_nxdomain_kept_for_soa_minimum(self):
        p = self.probe()
        a = p.lookup("nothere.cache.test")
        self.assertEqual((a["status"], a["ttl"]), ("nxdomain", 2))
        b = p.lookup("nothere.cache.test")
        self.assertEqual(b["status"], "nxdomain")
        self.assertIn("NXDOMAIN", b["detail"])
        self.assertEqual(self.asked("nothere.cache.test"), 1)
        time.sleep(2.1)
        p.lookup("nothere.cache.test")
        self.assertEqual(self.asked("nothere.cache.test"), 2)

    def test_nodata_kept_for_soa_minimum(self):
        p = self.probe()
        a = p.lookup("text.cache.test")
        self.assertEqual((a["status"], a["ttl"]), ("nodata", 2))
        p.lookup("text.cache.test")
        self.assertEqual(self.asked("text.cache.test"), 1)
        time.sleep(2.1)
        p.lookup("text.cache.test")
        self.assertEqual(self.asked("text.cache.test"), 2)

    def test_nxdomain_kept_for_soa_ttl_when_smaller(self):
        p = self.probe()
        a = p.lookup("nothere.soattl.test")
        self.assertEqual((a["status"], a["ttl"]), ("nxdomain", 2))
        p.lookup("nothere.soattl.test")
        self.assertEqual(self.asked("nothere.soattl.test"), 1)
        time.sleep(2.1)
        p.lookup("nothere.soattl.test")
        self.assertEqual(self.asked("nothere.soattl.test"), 2)

    # -- failures and no cache

    def test_servfail_not_kept(self):
        p = self.probe()
        for n in (1, 2, 3):
            a = p.lookup("sfail.cache.test")
            self.assertEqual(a["status"], "tempfail")
            self.assertIn("SERVFAIL", a["detail"])
            self.assertEqual(self.asked("sfail.cache.test"), n)
        s = p.stats()
        self.assertEqual((s["hits"], s["inserts"], s["uncacheable"]), (0, 0, 3))

    def test_timeout_not_kept(self):
        silent = dnsfixture.FaultDNS("silent").start()
        self.addCleanup(silent.stop)
        p = Probe(silent.resolver)
        self.addCleanup(p.close)
        for n in (1, 2):
            self.assertEqual(p.lookup("long.cache.test")["status"], "tempfail")
            self.assertEqual(silent.count(qname="long.cache.test"), n)

    def test_cache_size_zero_disables(self):
        p = self.probe("--cache-size", 0)
        for n in (1, 2, 3):
            a = p.lookup("long.cache.test")
            self.assertEqual(a["addrs"], ["192.0.2.1"])
            self.assertEqual(self.asked("long.cache.test"), n)
        s = p.stats()
        self.assertEqual((s["capacity"], s["hits"], s["entries"]), (0, 0, 0))

    def test_small_cache_evicts(self):
        p = self.probe("--cache-size", 2)
        for name in ("long", "mixed", "here"):
            p.lookup(name + (".soattl.test" if name == "here" else ".cache.test"))
        s = p.stats()
        self.assertEqual((s["entries"], s["evictions"], s["capacity"]), (2, 1, 2))
        p.lookup("long.cache.test")                 # the oldest went
        self.assertEqual(self.asked("long.cache.test"), 2)
        p.lookup("here.soattl.test")                # the newest stayed
        self.assertEqual(self.asked("here.soattl.test"), 1)

    # -- concurrent misses

    def run_threads(self, resolver, name, n, *opts):
        cmd = [PROBE, "--resolver", resolver, "--timeout", "2000", "--retries", "0",
               "--threads", str(n)] + [str(o) for o in opts] + ["lookup", name, "A"]
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, 0, r.stderr)
        return json.loads(r.stdout)

    def test_concurrent_misses_ask_once(self):
        # 16 threads miss the same question while its answer takes 300 ms:
        # one query goes out, and all 16 get the answer.
        slow = dnsfixture.FaultDNS("delay", upstream=self.nsd.resolver, delay_ms=300).start()
        self.addCleanup(slow.stop)
        a = self.run_threads(slow.resolver, "long.cache.test", 16)
        self.assertEqual((a["status"], a["addrs"], a["agree"]), ("ok", ["192.0.2.1"], 16))
        self.assertEqual(slow.count(qname="long.cache.test"), 1)
        self.assertLess(a["elapsed_ms"], 1500)

    def test_concurrent_failures_are_shared_not_kept(self):
        # A timeout is shared by the threads waiting for the same question
        # (one query, not 16), and still not kept: the next lookup asks.
        silent = dnsfixture.FaultDNS("silent").start()
        self.addCleanup(silent.stop)
        a = self.run_threads(silent.resolver, "long.cache.test", 16, "--timeout", 400)
        self.assertEqual((a["status"], a["agree"]), ("tempfail", 16))
        self.assertEqual(silent.count(qname="long.cache.test"), 1)
        p = Probe(silent.resolver)
        self.addCleanup(p.close)
        self.assertEqual(p.lookup("long.cache.test")["status"], "tempfail")
        self.assertEqual(silent.count(qname="long.cache.test"), 2)
        self.assertEqual(p.stats()["inserts"], 0)

def main():
    global PROBE
    args = sys.argv[1:]
    if "--probe" in args:
        i = args.index("--probe")
        PROBE = args[i + 1]
        del args[i:i + 2]
    if not PROBE or not os.access(PROBE, os.X_OK):
        sys.stderr.write("test_cache.py: give --probe PATH/TO/dnsprobe\n")
        return 2
    prog = unittest.main(argv=[sys.argv[0]] + args, exit=False, verbosity=2)
    return 0 if prog.result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
