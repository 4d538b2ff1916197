"""
NAME
    stories - the load test's SMTP clients and the DNS that tells their story

DESCRIPTION
    clients(n) returns n Client records for the loopback addresses
    127.0.1.1 ... 127.0.1.n, each of one kind, in a fixed repeating mix;
    write_zones(clients, outdir) writes the two zone files NSD serves for
    them (1.0.127.in-addr.arpa and load.test) and returns their paths.

    Every client binds its own 127.0.1.N before connecting, so Postfix, and
    through it the milter, sees that address. The kinds, per 10 clients:

      4 good      PTR mxN.good.load.test whose A record points back; HELO
                  that name; MAIL FROM news@good.load.test (MX and A).
                  Nothing to score.
      2 homeline  ISP-generic PTR 127-0-1-N.dyn.isp.load.test with no A
                  record (ptr_generic + fcrdns_fail), HELO an existing
                  server name: below the threshold, delivered.
      1 sloppy    as good, but MAIL FROM a domain that does not exist
                  (from_domain_invalid alone): delivered.
      2 zombie    no PTR (NXDOMAIN), HELO localhost (ptr_none +
                  helo_not_fqdn): refused.
      1 dynbot    generic PTR with no A record and HELO a bare word
                  (ptr_generic + fcrdns_fail + helo_not_fqdn): refused.

    A "bad" client (zombie, dynbot) is refused at RCPT for every recipient
    except postmaster (never_reject); every other message is delivered.
    That is the whole expectation the load test checks against, so a
    change of the default weights shows up as a clear story mismatch.

    Names live under load.test (RFC 6761 reserves .test); every lookup the
    milter makes has an authoritative answer from the test's own NSD.
"""

import os

DOMAIN = "load.test"
KIND_CYCLE = ["good", "homeline", "good", "zombie", "sloppy",
              "good", "dynbot", "homeline", "good", "zombie"]
BAD_KINDS = ("zombie", "dynbot")
NEVER_REJECT = ("postmaster", "abuse")


class Client:
    def __init__(self, n, kind):
        self.n = n
        self.kind = kind
        self.ip = "127.0.1.%d" % n
        self.bad = kind in BAD_KINDS
        generic = "127-0-1-%d.dyn.isp.%s" % (n, DOMAIN)
        if kind in ("good", "sloppy"):
            self.ptr = "mx%d.good.%s" % (n, DOMAIN)
            self.a = True               # the PTR name resolves back
            self.helo = self.ptr
            self.sender = ("news@good.%s" % DOMAIN if kind == "good"
                           else "x%d@nowhere.%s" % (n, DOMAIN))
        elif kind == "homeline":
            self.ptr, self.a = generic, False
            self.helo = "mail.good.%s" % DOMAIN
            self.sender = "carol%d@good.%s" % (n, DOMAIN)
        elif kind == "zombie":
            self.ptr, self.a = None, False
            self.helo = "localhost"
            self.sender = "zombie%d@good.%s" % (n, DOMAIN)
        elif kind == "dynbot":
            self.ptr, self.a = generic, False
            self.helo = "pc"
            self.sender = "bot%d@good.%s" % (n, DOMAIN)
        else:
            raise ValueError(kind)

    def refused_for(self, rcpt):
        """Whether the milter must refuse this client's mail to rcpt."""
        return self.bad and rcpt.split("@", 1)[0].lower() not in NEVER_REJECT

    def __repr__(self):
        return "Client(%s %s)" % (self.ip, self.kind)


def clients(n):
    if not 1 <= n <= 254:
        raise ValueError("1 to 254 clients (one /24 of loopback)")
    return [Client(i, KIND_CYCLE[(i - 1) % len(KIND_CYCLE)]) for i in range(1, n + 1)]


def _soa(origin):
    return ["$ORIGIN %s." % origin, "$TTL 300",
            "@ SOA ns.%s. hostmaster.%s. 1 3600 600 86400 300" % (DOMAIN, DOMAIN),
            "@ NS ns.%s." % DOMAIN]


def write_zones(cls, outdir):
    rev = _soa("1.0.127.in-addr.arpa")
    fwd = _soa(DOMAIN) + [
        "ns A 127.0.0.1",
        "good MX 10 mail.good",
        "good A 127.0.0.1",
        "mail.good A 127.0.0.1",
        "isp MX 10 mx.isp",
        "mx.isp A 127.0.0.2",
        "example MX 10 mx.example",
        "mx.example A 127.0.0.1",
        # nowhere.load.test: no record at all (NXDOMAIN)
    ]
    for c in cls:
        if c.ptr:
            rev.append("%d PTR %s." % (c.n, c.ptr))
            if c.a:
                fwd.append("%s A %s" % (c.ptr[:-len(DOMAIN) - 1], c.ip))
    os.makedirs(outdir, exist_ok=True)
    paths = []
    for name, lines in (("1.0.127.in-addr.arpa.zone", rev), ("load.test.zone", fwd)):
        p = os.path.join(outdir, name)
        with open(p, "w") as f:
            f.write("\n".join(lines) + "\n")
        paths.append(p)
    return paths
