#!/usr/bin/env python3
"""
NAME
    stories - generate the benchmark's SMTP clients and the DNS that tells
    their story

DESCRIPTION
    generate(n, outdir, seed) writes outdir/stories.txt (one client a line:
    "ip helo from rcpt client_name reverse_client_name", the format
    milterdrive reads) and the zone files NSD serves for them, and returns
    (stories_path, [zone paths], {kind: count}).

    Every address is DATA: it is only ever looked up in the benchmark's own
    DNS server on loopback, never contacted. Names live under bench.test
    (RFC 6761 reserves .test), so every lookup has an authoritative answer,
    NXDOMAIN included.

    The mix (per 100 clients), roughly what an MX on the open internet sees
    (most connections from infected home hosts, a minority from real
    servers):
      30 good       PTR mxN.goodD.bench.test, its A record back to the
                    client, HELO = that name, MAIL FROM user@goodD.bench.test
                    (MX + A); 1 in 6 sends a bounce (MAIL FROM <>)
      20 generic    ISP pool names with the address embedded
                    (dyn-100-64-1-2.poolK.isp.bench.test), forward-confirmed
                    as at big ISPs; HELO a bare word, "localhost", a bare IP,
                    or the generic name; senders forged or non-existent
      15 no PTR     no PTR record (NXDOMAIN); HELO a random made-up FQDN
                    that does not resolve; random senders
      10 FCrDNS     a PTR name that has no A record (half) or whose A record
                    is another address (half)
      10 bad HELO   good rDNS, but HELO "localhost", a bare IP, an address
                    literal of another host, or a name that does not exist
      10 bad sender good rDNS and HELO; MAIL FROM a domain that does not
                    exist, has a null MX (RFC 7505), has neither MX nor A,
                    or is a single label
       5 mixed      good rDNS, HELO another (existing) name of the sender's
                    domain: differs from the PTR name, the weak check only

    Address ranges (data only): good/bad HELO/bad sender/mixed 10.0.0.0/8,
    generic 100.64.0.0/10, no PTR 198.18.0.0/16, FCrDNS 198.19.0.0/16.

CLI
    python3 stories.py N OUTDIR [SEED]
"""

import os
import random
import sys

MIX = [("good", 30), ("generic", 20), ("noptr", 15), ("fcrdns", 10),
       ("badhelo", 10), ("badsender", 10), ("mixed", 5)]
ZONE = "bench.test"
SERVERS_PER_DOMAIN = 8


def _soa(origin):
    return ["$ORIGIN %s." % origin, "$TTL 3600",
            "@ IN SOA ns.bench.test. hostmaster.bench.test. 1 3600 600 86400 300",
            "@ IN NS ns.bench.test."]


class _Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)
        self.fwd = _soa(ZONE) + ["ns IN A 127.0.0.1",
                                 "rcpt IN MX 10 mx.rcpt", "mx.rcpt IN A 127.0.0.1",
                                 "nullmx IN MX 0 .", "nomx IN TXT \"no mail here\""]
        self.rev = {}               # reverse zone origin -> lines
        self.n10 = 0                # next 10/8 address
        self.n100 = 0
        self.n198 = {18: 0, 19: 0}
        self.domains = 0
        self.words = ["user", "localhost", "pc", "home", "desktop", "admin", "win7", "laptop"]

    # -- addresses -----------------------------------------------------------
    def _addr10(self):
        i = self.n10
        self.n10 += 1
        return "10.%d.%d.%d" % (1 + i // 62500, (i // 250) % 250, 1 + i % 250)

    def _addr100(self):
        i = self.n100
        self.n100 += 1
        return "100.%d.%d.%d" % (64 + i // 62500, (i // 250) % 250, 1 + i % 250)

    def _addr198(self, b):
        i = self.n198[b]
        self.n198[b] += 1
        return "198.%d.%d.%d" % (b, (i // 250) % 250, 1 + i % 250)

    def _ptr(self, ip, name):
        o = ip.split(".")
        zone = "%s.in-addr.arpa" % ".".join(reversed(o[:2]))
        self.rev.setdefault(zone, _soa(zone))
        self.rev[zone].append("%s.%s IN PTR %s." % (o[3], o[2], name))

    def _rel(self, name):
        return name[:-len(ZONE) - 1]

    def _a(self, name, ip):
        self.fwd.append("%s IN A %s" % (self._rel(name), ip))

    def _server(self):
        """A well-kept server: PTR and A agree; its domain has MX and A."""
        if self.domains == 0 or self.r.random() < 1.0 / SERVERS_PER_DOMAIN:
            self.domains += 1
            d = "good%d.%s" % (self.domains, ZONE)
            self.fwd.append("%s IN MX 10 mx1.%s." % (self._rel(d), d))
            self._a(d, "127.0.0.1")
            self._a("relay." + d, "10.254.%d.%d" % (self.domains // 250, 1 + self.domains % 250))
        d = "good%d.%s" % (self.domains, ZONE)
        ip = self._addr10()
        name = "mx%d.%s" % (self.n10, d)
        self._ptr(ip, name)
        self._a(name, ip)
        return ip, name, d

    def _random_sender(self):
        k = self.r.random()
        if k < 0.4 and self.domains:
            return "info@good%d.%s" % (self.r.randint(1, self.domains), ZONE)   # forged
        if k < 0.8:
            return "x%d@nx%d.%s" % (self.r.randint(1, 9999), self.r.randint(1, 10**6), ZONE)
        return "a@nomx.%s" % ZONE

    def _bad_helo(self, ip):
        k = self.r.random()
        if k < 0.35:
            return self.r.choice(self.words)
        if k < 0.55:
            return ip
        if k < 0.7:
            return "[10.250.%d.%d]" % (self.r.randint(0, 250), self.r.randint(1, 250))
        return "host%d.nx%d.%s" % (self.r.randint(1, 999), self.r.randint(1, 10**6), ZONE)

    # -- the kinds -------------------------------------------------------------
    def story(self, kind):
        if kind == "good":
            ip, name, d = self._server()
            frm = "<>" if self.r.random() < 1.0 / 6 else "news@%s" % d
            return ip, name, frm, name, name
        if kind == "mixed":
            ip, name, d = self._server()
            return ip, "relay.%s" % d, "news@%s" % d, name, name
        if kind == "badhelo":
            ip, name, d = self._server()
            return ip, self._bad_helo(ip), "news@%s" % d, name, name
        if kind == "badsender":
            ip, name, d = self._server()
            k = self.r.random()
            if k < 0.4:
                frm = "a@nx%d.%s" % (self.r.randint(1, 10**6), ZONE)
            elif k < 0.6:
                frm = "a@nullmx.%s" % ZONE
            elif k < 0.8:
                frm = "a@nomx.%s" % ZONE
            else:
                frm = "a@localdomain"
            return ip, name, frm, name, name
        if kind == "generic":
            ip = self._addr100()
            o = ip.split(".")
            name = "dyn-%s.pool%d.isp.%s" % ("-".join(o), self.r.randint(1, 40), ZONE)
            self._ptr(ip, name)
            self._a(name, ip)
            k = self.r.random()
            helo = name if k < 0.4 else self._bad_helo(ip)
            return ip, helo, self._random_sender(), name, name
        if kind == "noptr":
            ip = self._addr198(18)
            helo = "mail.nx%d.%s" % (self.r.randint(1, 10**6), ZONE)
            return ip, helo, self._random_sender(), "unknown", "unknown"
        if kind == "fcrdns":
            ip = self._addr198(19)
            name = "mail.shop%d.%s" % (self.n198[19], ZONE)
            self._ptr(ip, name)
            if self.r.random() < 0.5:
                self._a(name, "10.255.%d.%d" % (self.r.randint(0, 250), self.r.randint(1, 250)))
            return ip, name, "sales@shop%d.%s" % (self.n198[19], ZONE), "unknown", name
        raise ValueError(kind)


def generate(n, outdir, seed=1):
    g = _Gen(seed)
    kinds = []
    for kind, share in MIX:
        kinds += [kind] * (n * share // 100)
    while len(kinds) < n:
        kinds.append("good")
    g.r.shuffle(kinds)
    counts = {}
    os.makedirs(outdir, exist_ok=True)
    path = os.path.join(outdir, "stories.txt")
    with open(path, "w") as f:
        f.write("# ip helo from rcpt client_name reverse_client_name\n")
        for i, kind in enumerate(kinds):
            ip, helo, frm, name, rname = g.story(kind)
            counts[kind] = counts.get(kind, 0) + 1
            f.write("%s %s %s user%d@rcpt.%s %s %s\n" % (ip, helo, frm, i % 50, ZONE, name, rname))
    # the reverse zones of ranges with no PTR at all still answer NXDOMAIN
    g.rev.setdefault("18.198.in-addr.arpa", _soa("18.198.in-addr.arpa"))
    zones = []
    for origin, lines in [(ZONE, g.fwd)] + sorted(g.rev.items()):
        zp = os.path.join(outdir, origin + ".zone")
        with open(zp, "w") as f:
            f.write("\n".join(lines) + "\n")
        zones.append(zp)
    return path, zones, counts


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit("usage: stories.py N OUTDIR [SEED]")
    p, z, c = generate(int(sys.argv[1]), sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 1)
    print(p, " ".join(z), c)
