#!/usr/bin/env python3
"""
NAME
    postfix_latency.py - milliseconds per message a milter adds inside a real Postfix

SYNOPSIS
    postfix_latency.py --milter PATH --noop PATH [--messages N] [--concurrency C]
                       [--reps R] [--sockets unix,inet] [--json FILE]

DESCRIPTION
    A private Postfix (tests/e2e/mta_postfix.py) relays to Postfix's own
    smtp-sink; Postfix's smtp-source sends N messages (one SMTP session
    each, C sessions at a time) to an smtpd whose smtpd_milters is:
      none           no milter (the MTA's own cost)
      noop unix      tests/bench/noop_milter on a unix: socket
      noop inet      the same on inet:PORT@127.0.0.1 (what TCP itself adds)
      rdns unix      rdns-milter on a unix: socket
      rdns inet      rdns-milter on inet:PORT@127.0.0.1
    The wall time of smtp-source over N is the figure (ms/message). Runs are
    interleaved R times (none, noop unix, rdns unix, rdns inet, then
    again), so every difference compares the same minutes; the
    report gives the median and min-max of each, and of each
    per-repetition difference against "noop unix".

    Postfix's queue and the sockets live under /dev/shm (tmpfs) where it
    exists, so that disk flush times do not drown the milter's share.

    rdns-milter scores the client 127.0.0.1 against NSD serving
    tests/e2e/zones (PTR localhost.test), trusted_networks empty so every
    protocol step happens, threshold high so no message is refused: the
    cache is warm after the first message, so this measures the protocol
    and hand-off, not DNS.

    Why: on inet: sockets a milter that negotiated SMFIP_NODATA used to
    cost ~40 ms per message (Postfix writes the DATA macros, which get no
    reply, and then the first header field: Nagle holds the second write
    until the milter's delayed ACK of the first).
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
sys.path.insert(0, os.path.join(HERE, "..", "dns"))
import dnsfixture  # noqa: E402
import mta_postfix  # noqa: E402

SMTP_SOURCE = shutil.which("smtp-source") or "/usr/sbin/smtp-source"
SMTP_SINK = shutil.which("smtp-sink") or "/usr/sbin/smtp-sink"
ZONES = [os.path.join(HERE, "..", "e2e", "zones", z)
         for z in sorted(os.listdir(os.path.join(HERE, "..", "e2e", "zones")))
         if z.endswith(".zone")]


def wait_connect(spec, proc, timeout=15):
    import socket
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("milter exited with %s" % proc.returncode)
        try:
            if spec.startswith("unix:"):
                with socket.socket(socket.AF_UNIX) as s:
                    s.connect(spec[5:])
            else:
                port, host = spec[5:].split("@")
                with socket.create_connection((host, int(port)), timeout=1):
                    pass
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("milter did not listen on %s" % spec)


class Proc:
    def __init__(self, argv, spec, logpath):
        self.argv, self.spec, self.logpath = argv, spec, logpath
        self.p = None

    def __enter__(self):
        logf = open(self.logpath, "w")
        self.p = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL, stdout=logf, stderr=logf)
        logf.close()
        wait_connect(self.spec, self.p)
        if self.spec.startswith("unix:"):
            os.chmod(self.spec[5:], 0o666)
        return self

    def __exit__(self, *exc):
        if self.p.poll() is None:
            self.p.terminate()
            try:
                self.p.wait(15)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()


def rdns_conf(path, spec, resolver):
    with open(path, "w") as f:
        f.write("threshold: 1000\ntrusted_networks: []\n"
                "dns:\n  resolvers: [\"%s\"]\n"
                "milter:\n  socket: \"%s\"\n  socket_mode: \"0666\"\n  user: root\n"
                % (resolver, spec))


def send(port, n, conc):
    """Seconds smtp-source takes for n messages, conc sessions at a time."""
    argv = [SMTP_SOURCE, "-s", str(conc), "-m", str(n), "-l", "400", "-M", "mail.good.test",
            "-f", "bench@good.test", "-t", "user@example.test", "127.0.0.1:%d" % port]
    t0 = time.monotonic()
    r = subprocess.run(argv, capture_output=True, text=True, timeout=600)
    dt = time.monotonic() - t0
    if r.returncode != 0 or r.stderr.strip():
        raise RuntimeError("smtp-source: rc %d: %s" % (r.returncode, r.stderr[-2000:]))
    return dt


def measure(args, tmp, resolver):
    ports = {}
    specs = {
        "noop unix": "unix:%s/noop.sock" % tmp,
        "noop inet": "inet:%d@127.0.0.1" % mta_postfix.free_port(),
        "rdns unix": "unix:%s/rdns.sock" % tmp,
        "rdns inet": "inet:%d@127.0.0.1" % mta_postfix.free_port(),
    }
    wanted = ["none"] + [k for k in specs if k.split()[1] in args.sockets]
    listeners = []
    for name in wanted:
        ports[name] = mta_postfix.free_port()
        opts = {"smtpd_milters": "", "milter_protocol": "6",
                "milter_default_action": "tempfail"}
        if name != "none":
            spec = specs[name]
            opts["smtpd_milters"] = spec if spec.startswith("inet:") else spec
            if spec.startswith("inet:"):
                port, host = spec[5:].split("@")
                opts["smtpd_milters"] = "inet:%s:%s" % (host, port)
        listeners.append((ports[name], opts))
    sink_port = mta_postfix.free_port()
    sink = subprocess.Popen([SMTP_SINK, "-c", "127.0.0.1:%d" % sink_port, "1000"],
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    procs = []
    results = {k: [] for k in wanted}
    try:
        for name in wanted:
            if name == "none":
                continue
            spec = specs[name]
            log = os.path.join(tmp, slug(name) + ".log")
            if name.startswith("noop"):
                argv = [args.noop, "-s", spec]
            else:
                conf = os.path.join(tmp, slug(name) + ".yaml")
                rdns_conf(conf, spec, resolver)
                argv = [args.milter, "-f", "-c", conf, "-s", spec]
            procs.append(Proc(argv, spec, log).__enter__())
        pf = mta_postfix.Postfix(os.path.join(tmp, "postfix"), sink_port, listeners,
                                 main_extra={"smtpd_client_connection_count_limit": "0",
                                             "default_process_limit": "200"})
        with pf:
            for name in wanted:          # warm-up: caches, smtpd processes
                send(ports[name], max(5, args.concurrency), args.concurrency)
            for _ in range(args.reps):
                for name in wanted:
                    dt = send(ports[name], args.messages, args.concurrency)
                    results[name].append(1000.0 * dt / args.messages)
    finally:
        for p in procs:
            p.__exit__()
        sink.terminate()
        sink.wait()
    return results


def slug(name):
    return name.replace(" ", "-")


def summarize(results):
    out = {}
    base = results.get("noop unix")
    for name, v in results.items():
        row = {"median": statistics.median(v), "min": min(v), "max": max(v), "all": v}
        if base and name != "noop unix":
            d = [a - b for a, b in zip(v, base)]
            row["added_median"] = statistics.median(d)
            row["added_min"] = min(d)
            row["added_max"] = max(d)
        out[name] = row
    return out


def table(summary, n, conc, reps):
    lines = ["| milter in Postfix (%d messages, %d at a time, %d reps) | ms/message median "
             "(min-max) | added over no-op on unix, median (min-max) |" % (n, conc, reps),
             "|---|---|---|"]
    for name, r in summary.items():
        added = "-"
        if "added_median" in r:
            added = "%+.2f (%+.2f to %+.2f)" % (r["added_median"], r["added_min"],
                                                r["added_max"])
        lines.append("| %s | %.2f (%.2f-%.2f) | %s |" % (name, r["median"], r["min"], r["max"],
                                                        added))
    return "\n".join(lines)


def run(milter, noop, messages=100, concurrency=1, reps=3, sockets=("unix", "inet")):
    args = argparse.Namespace(milter=milter, noop=noop, messages=messages,
                              concurrency=concurrency, reps=reps, sockets=list(sockets))
    # The queue on tmpfs: Postfix flushes every queue file to disk, and on
    # this machine's disk a flush varies by tens of milliseconds, which
    # drowned the milter's share (about a millisecond) in noise.
    shm = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None
    tmp = tempfile.mkdtemp(prefix="pflat-", dir=shm)
    os.chmod(tmp, 0o755)
    try:
        with dnsfixture.NSD(ZONES) as nsd:
            return summarize(measure(args, tmp, nsd.resolver))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--milter", required=True)
    ap.add_argument("--noop", required=True)
    ap.add_argument("--messages", type=int, default=100)
    ap.add_argument("--concurrency", type=int, default=1)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--sockets", default="unix,inet")
    ap.add_argument("--json")
    a = ap.parse_args()
    s = run(a.milter, a.noop, a.messages, a.concurrency, a.reps, a.sockets.split(","))
    print("load average %.2f %.2f %.2f" % os.getloadavg())
    print(table(s, a.messages, a.concurrency, a.reps))
    if a.json:
        with open(a.json, "w") as f:
            json.dump(s, f, indent=1)


if __name__ == "__main__":
    main()
