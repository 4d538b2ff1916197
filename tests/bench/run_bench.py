#!/usr/bin/env python3
"""
NAME
    run_bench - rdns-milter's benchmark: throughput, latency, CPU and memory
    next to a no-op milter (the ceiling) and policyd-weight

SYNOPSIS
    run_bench.py [--build DIR] [--stories N] [--concurrency C]
                 [--baseline-milter BINARY | --baseline-commit REV]
                 [--soak MINUTES [--soak-only]] [--quick] [--no-policyd]
                 [--out DIR]

DESCRIPTION
    Everything runs on loopback, against DNS data generated for the run
    (stories.py: 10,000 clients, a documented mix) and served by NSD. The
    SMTP side is milterdrive, which plays the MTA over a unix socket.

      ceiling        noop_milter: libmilter, same protocol steps, no work
      cold           a fresh rdns-milter process, each client once
      warm           the same process, the same clients again (its DNS cache,
                     where it has one, is full)
      policyd-weight the Debian package over Postfix's policy protocol, same
                     clients, its own NSD on 127.0.0.2:53 (it takes no port),
                     DNSBL and RHSBL lists emptied, syslog into a discarding
                     datagram socket
      delay          DNS answers 20 ms late (delaydns.py in front of NSD):
                     the added latency per session, in DNS round trips, with
                     dns.prefetch on and off where the build has that key,
                     else against a baseline build (--baseline-milter, or
                     --baseline-commit REV built from git); then a second,
                     warm pass in the same process
      500 sessions   500 concurrent sessions: peak RSS of the milter
      soak           (--soak MINUTES) sessions flat out, 10 at a time, with
                     a DNS cache smaller than the working set (lookups keep
                     going to DNS), RSS sampled every 5 s: any growth after
                     the first minute

    CPU seconds come from /proc/PID/stat (user + system, children
    included), peak RSS from VmHWM in /proc/PID/status.

    Prints a table and writes tests/bench/results/latest.txt (figures,
    date, machine) and latest.md (the same as a markdown table).
"""

import argparse
import datetime
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "dns"))
sys.path.insert(0, HERE)
import dnsfixture  # noqa: E402
import delaydns  # noqa: E402
import stories  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")


def log(msg):
    print("bench: " + msg, file=sys.stderr, flush=True)


# ---- /proc ---------------------------------------------------------------

def proc_cpu(pid, children=True):
    """User + system CPU seconds of pid (and its reaped children)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            f = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    t = int(f[11]) + int(f[12])
    if children:
        t += int(f[13]) + int(f[14])
    return t / TICK


def proc_status(pid, key):
    """A kB value of /proc/PID/status (VmHWM, VmRSS) in MB."""
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return 0.0


def polw_pids(before):
    """policyd-weight processes that were not there before we started
    it: the master, its children and its cache daemon (which detaches,
    and which "stop" may leave behind)."""
    out = []
    for d in os.listdir("/proc"):
        if not d.isdigit() or int(d) in before:
            continue
        try:
            with open("/proc/%s/cmdline" % d, "rb") as f:
                if f.read().startswith(b"policyd-weight"):
                    out.append(int(d))
        except OSError:
            continue
    return out


def all_pids():
    return set(int(d) for d in os.listdir("/proc") if d.isdigit())


# ---- the programs under test ---------------------------------------------

def wait_unix(path, proc, what, timeout=15):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError("%s exited with %s" % (what, proc.returncode))
        with socket.socket(socket.AF_UNIX) as s:
            try:
                s.connect(path)
                return
            except OSError:
                time.sleep(0.05)
    raise RuntimeError("%s did not open %s" % (what, path))


def stop_proc(p):
    if p is None or p.poll() is not None:
        return
    p.send_signal(signal.SIGTERM)
    try:
        p.wait(15)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()


class Milter:
    """A milter process on a unix socket in the run's folder."""

    def __init__(self, argv, sock, logpath, what):
        self.argv, self.sock, self.logpath, self.what = argv, sock, logpath, what
        self.proc = None

    def __enter__(self):
        if os.path.exists(self.sock):
            os.unlink(self.sock)
        with open(self.logpath, "w") as lf:
            self.proc = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL, stdout=lf,
                                         stderr=lf)
        try:
            wait_unix(self.sock, self.proc, self.what)
        except RuntimeError:
            stop_proc(self.proc)
            raise RuntimeError("%s did not start:\n%s" % (self.what, self.tail()))
        return self

    def tail(self):
        try:
            with open(self.logpath, errors="replace") as f:
                return f.read()[-2000:]
        except OSError:
            return ""

    def __exit__(self, *exc):
        stop_proc(self.proc)

    @property
    def pid(self):
        return self.proc.pid


def rdns_config(path, sock, resolver, extra):
    dns = {"resolvers": [resolver]}
    dns.update(extra)
    lines = ["dns:"]
    for k, v in dns.items():
        if isinstance(v, list):
            lines.append("  %s: [%s]" % (k, ", ".join('"%s"' % x for x in v)))
        elif isinstance(v, bool):
            lines.append("  %s: %s" % (k, "true" if v else "false"))
        else:
            lines.append("  %s: %s" % (k, v))
    lines += ["trusted_networks: []",
              "milter:",
              '  socket: "unix:%s"' % sock,
              '  socket_mode: "0600"']
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def rdns_argv(binary, conf):
    """The command line of an rdns-milter run in the foreground. A build
    that refuses to run as root without being told (-u) is told: the
    benchmark runs as root, for policyd-weight's DNS on port 53."""
    argv = [binary, "-f", "-c", conf]
    if os.getuid() == 0:
        r = subprocess.run([binary, "-h"], capture_output=True, text=True)
        if "-u USER" in r.stdout + r.stderr:
            argv += ["-u", "root"]
    return argv


def milter_stats(binary, conf):
    """rdns-milter's own counters (rdns-milter -S), {} where the build has
    no control socket."""
    try:
        r = subprocess.run([binary, "-S", "-c", conf], capture_output=True, text=True,
                           timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return {}
    if r.returncode != 0:
        return {}
    out = {}
    for line in r.stdout.splitlines():
        k, _, v = line.partition(" ")
        try:
            out[k] = float(v)
        except ValueError:
            pass
    return out


def with_cache_figures(f, before, after):
    """Adds the pass's DNS lookups and cache hits (from -S deltas)."""
    if "cache_hits" in after:
        for k in ("dns_lookups", "cache_hits", "cache_misses", "cache_evictions"):
            f[k] = int(after.get(k, 0) - before.get(k, 0))
        f["cache_capacity"] = int(after.get("cache_capacity", 0))
        looked = f["cache_hits"] + f["cache_misses"]
        f["cache_hit_pct"] = 100.0 * f["cache_hits"] / looked if looked else 0.0
    return f


def config_accepts(binary, tmp, resolver, extra):
    """Whether this build knows the dns keys in extra (rdns-milter -t)."""
    conf = os.path.join(tmp, "probe.yaml")
    rdns_config(conf, os.path.join(tmp, "probe.sock"), resolver, extra)
    r = subprocess.run([binary, "-t", "-c", conf], capture_output=True, text=True)
    return r.returncode == 0


# ---- driving -------------------------------------------------------------

def drive(args, sock, story_file, n=None, conc=None, seconds=None, policy=False):
    drops0 = udp_rcvbuf_errors()
    cmd = [args.drive, "-c", str(conc or args.concurrency), "-s", sock]
    if seconds:
        cmd += ["-t", str(seconds)]
    elif n:
        cmd += ["-n", str(n)]
    if policy:
        cmd.append("-P")
    cmd.append(story_file)
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=(seconds or 0) + 900)
    got = {}
    for line in r.stdout.splitlines():
        if "=" in line:
            k, v = line.split("=", 1)
            try:
                got[k] = int(v) if v.isdigit() else float(v)
            except ValueError:
                got[k] = v
    if r.stderr.strip():
        log(r.stderr.strip()[:600])
    if "sessions" not in got:
        raise RuntimeError("milterdrive failed: %s" % r.stderr[-600:])
    got["udp_drops"] = udp_rcvbuf_errors() - drops0
    return got


def udp_rcvbuf_errors():
    """The system's count of UDP datagrams dropped for a full receive
    buffer (a DNS server or client that fell behind)."""
    with open("/proc/net/snmp") as f:
        rows = [line.split() for line in f if line.startswith("Udp:")]
    return int(rows[1][rows[0].index("RcvbufErrors")])


def measured(name, pid, fig, cpu0, children=True):
    fig = dict(fig)
    fig["name"] = name
    fig["cpu_s"] = proc_cpu(pid, children) - cpu0
    fig["cpu_ms_per_session"] = 1000.0 * fig["cpu_s"] / fig["sessions"] if fig["sessions"] else 0
    fig["hwm_mb"] = proc_status(pid, "VmHWM")
    return fig


# ---- policyd-weight ------------------------------------------------------

POLW_CONF = """
$DEBUG = 0;
@dnsbl_score = ();
@rhsbl_score = ();
$NS = '{ns}';
$LOCKPATH = '{lock}/';
$SPATH = '{lock}/polw.sock';
$PIDFILE = '{lock}/policyd-weight.pid';
$TCP_PORT = {port};
$BIND_ADDRESS = '127.0.0.1';
$USER = 'polw';
$GROUP = 'polw';
$syslog_socktype = {{ type => 'unix', path => '{devlog}' }};
1;
"""


class DevNullSyslog:
    """A datagram socket that reads and discards syslog messages, so a
    program that insists on syslog does not stall retrying."""

    def __init__(self, path):
        self.path = path
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(path)
        os.chmod(path, 0o666)
        self.stop = threading.Event()
        self.t = threading.Thread(target=self._run, daemon=True)
        self.t.start()

    def _run(self):
        self.sock.settimeout(0.2)
        while not self.stop.is_set():
            try:
                self.sock.recv(65536)
            except OSError:
                pass

    def close(self):
        self.stop.set()
        self.t.join(2)
        self.sock.close()


class BenchNSD(dnsfixture.NSD):
    """The fixture's NSD with response rate limiting off. NSD (Debian
    builds it with RRL) answers at most 200 queries a second per source
    /24 by default and drops or truncates the rest: every query here comes
    from 127.0.0.1, so under load about 3% of answers were lost and each
    loss cost a session one resolver timeout (1.5 s)."""

    def _write_conf(self):
        path = super()._write_conf()
        with open(path) as f:
            text = f.read()
        text = text.replace("server:\n", "server:\n    rrl-ratelimit: 0\n"
                            "    rrl-whitelist-ratelimit: 0\n", 1)
        with open(path, "w") as f:
            f.write(text)
        return path


class FixedPortNSD(BenchNSD):
    """NSD on addr:53: policyd-weight's $NS takes addresses only."""

    def start(self):
        orig = dnsfixture.free_port
        dnsfixture.free_port = lambda addr="127.0.0.1": 53
        try:
            return super().start()
        finally:
            dnsfixture.free_port = orig


def run_policyd(args, tmp, zones, story_file):
    binary = shutil.which("policyd-weight") or "/usr/sbin/policyd-weight"
    if not os.path.exists(binary):
        return None, "policyd-weight not installed"
    lock = os.path.join(tmp, "polw")
    os.makedirs(lock, exist_ok=True)
    shutil.chown(lock, "polw", "polw")
    os.chmod(tmp, 0o755)
    devlog = os.path.join(tmp, "devlog")
    sysl = DevNullSyslog(devlog)
    port = dnsfixture.free_port()
    conf = os.path.join(tmp, "policyd-weight.conf")
    with open(conf, "w") as f:
        f.write(POLW_CONF.format(ns="127.0.0.2", lock=lock, port=port, devlog=devlog))
    os.chmod(conf, 0o644)
    before = all_pids()
    nsd2 = FixedPortNSD(zones, addr="127.0.0.2")
    try:
        nsd2.start()
    except RuntimeError as e:
        sysl.close()
        return None, "no NSD on 127.0.0.2:53 (%s)" % str(e).splitlines()[0]
    fig, why = None, ""
    try:
        r = subprocess.run([binary, "-f", conf, "start"], capture_output=True,
                           text=True, timeout=60)
        pidfile = os.path.join(lock, "policyd-weight.pid")
        deadline = time.monotonic() + 20
        master = None
        while time.monotonic() < deadline:
            try:
                master = int(open(pidfile).read().strip())
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except (OSError, ValueError):
                time.sleep(0.2)
        else:
            return None, "policyd-weight did not start: %s %s" % (r.stdout[-300:],
                                                                   r.stderr[-300:])
        n = min(args.policyd_sessions, args.stories)
        # warm up its processes (children, cache daemon, Perl compile)
        drive(args, "inet:%d@127.0.0.1" % port, story_file, n=args.concurrency * 2,
              policy=True)
        cpu0 = sum(proc_cpu(p) for p in polw_pids(before))
        fig = drive(args, "inet:%d@127.0.0.1" % port, story_file, n=n, policy=True)
        fig["name"] = "policyd-weight"
        pids = polw_pids(before)
        fig["cpu_s"] = sum(proc_cpu(p) for p in pids) - cpu0
        fig["cpu_ms_per_session"] = 1000.0 * fig["cpu_s"] / max(1, fig["sessions"])
        fig["hwm_mb"] = sum(proc_status(p, "VmHWM") for p in pids)
        fig["processes"] = len(pids)
        subprocess.run([binary, "-f", conf, "-k", "stop"], capture_output=True,
                       timeout=60)
    except (RuntimeError, subprocess.TimeoutExpired) as e:
        why = str(e)[:300]
    finally:
        time.sleep(0.5)
        for p in polw_pids(before):       # "stop" may leave its cache behind
            try:
                os.kill(p, signal.SIGTERM)
            except OSError:
                pass
        nsd2.stop()
        sysl.close()
    return fig, why


# ---- report --------------------------------------------------------------

def machine():
    model = "?"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = proc_meminfo("MemTotal")
    return {"date": datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
            "nproc": os.cpu_count(), "cpu": model, "mem_gb": "%.1f" % (mem / 1024 / 1024),
            "kernel": platform.release(), "loadavg_start": "%.2f %.2f %.2f" % os.getloadavg()}


def proc_meminfo(key):
    for line in open("/proc/meminfo"):
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return 0


def row(f):
    return ("| %s | %d | %s | %.2f | %.2f | %d / %d / %d | %.1f | %.2f | %.1f |"
            % (f["name"], f["sessions"], "{:,.0f}".format(f["sessions_per_s"]), f["p50_ms"],
               f["p99_ms"], f["accept"], f["reject"], f["tempfail"], f.get("cpu_s", 0),
               f.get("cpu_ms_per_session", 0), f.get("hwm_mb", 0)))


def slug(text):
    """A run's name as a key: lowercase, runs of other characters as _."""
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def verdict(ok):
    return "met" if ok else "NOT met"


def report(args, m, mix, runs, ratios, notes):
    L = []
    L.append("# rdns-milter benchmark (scripts/bench)")
    L.append("")
    L.append("Taken %s on %d CPU(s) (%s), %s GB RAM, Linux %s; load average at start %s."
             % (m["date"], m["nproc"], m["cpu"], m["mem_gb"], m["kernel"], m["loadavg_start"]))
    if args.shared:
        L.append("The machine was shared with other jobs (builds, tests) during the run: "
                 "absolute figures are low and noisy; the ratios compare runs of the same "
                 "minutes.")
    L.append("")
    L.append("Milter socket: unix (the driver plays the MTA: one write per protocol packet). "
             "Concurrency %d sessions unless stated. DNS: NSD on loopback serving %d generated "
             "clients (%s)." % (args.concurrency, args.stories,
                                ", ".join("%s %d" % kv for kv in mix.items())))
    L.append("")
    L.append("| run | sessions | sessions/s | p50 ms | p99 ms | accept / reject / tempfail "
             "| CPU s | CPU ms/session | peak RSS MB |")
    L.append("|---|---|---|---|---|---|---|---|---|")
    for f in runs:
        L.append(row(f))
    L.append("")
    L.append("| measure | target | measured | |")
    L.append("|---|---|---|---|")
    for name, target, value, ok in ratios:
        L.append("| %s | %s | %s | %s |" % (name, target, value,
                                            "" if ok is None else verdict(ok)))
    if notes:
        L.append("")
        for n in notes:
            L.append("- " + n)
    return "\n".join(L) + "\n"


# ---- main ----------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(prog="run_bench.py")
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--stories", type=int, default=10000)
    ap.add_argument("--concurrency", type=int, default=20)
    ap.add_argument("--policyd-sessions", type=int, default=2000)
    ap.add_argument("--delay-sessions", type=int, default=1000)
    ap.add_argument("--big-sessions", type=int, default=5000)
    ap.add_argument("--baseline-milter", help="an rdns-milter binary without overlapping "
                    "lookups, for the 20 ms comparison while the build has no dns.prefetch")
    ap.add_argument("--baseline-commit", help="build rdns-milter at this git revision (in a "
                    "temporary folder) and use it as --baseline-milter")
    ap.add_argument("--soak", type=float, default=0, help="minutes (0: no soak)")
    ap.add_argument("--soak-only", action="store_true", help="run the soak alone")
    ap.add_argument("--quick", action="store_true", help="small runs, for development")
    ap.add_argument("--no-policyd", action="store_true")
    ap.add_argument("--shared", action="store_true", default=True,
                    help="say the machine was shared (default)")
    ap.add_argument("--out", default=os.path.join(HERE, "results"))
    args = ap.parse_args()
    if args.quick:
        args.stories, args.policyd_sessions = 500, 200
        args.delay_sessions, args.big_sessions = 200, 1000
    args.drive = os.path.join(args.build, "milterdrive")
    noop = os.path.join(args.build, "noop_milter")
    rdns = os.path.join(args.build, "rdns-milter")
    for b in (args.drive, noop, rdns):
        if not os.access(b, os.X_OK):
            sys.exit("bench: %s missing (build first: scripts/build.sh)" % b)

    m = machine()
    base_tmp = None
    if args.baseline_commit and not args.baseline_milter:
        base_tmp = tempfile.mkdtemp(prefix="rdns-bench-base.")
        args.baseline_milter = build_baseline(args.baseline_commit, base_tmp)
    tmp = tempfile.mkdtemp(prefix="rdns-bench.")
    runs, ratios, notes, fig = [], [], [], {}
    try:
        story_file, zones, mix = stories.generate(args.stories, os.path.join(tmp, "dns"))
        log("%d stories: %s" % (args.stories, mix))
        nsd = BenchNSD(zones).start()
        try:
            fig = bench_milters(args, tmp, noop, rdns, nsd, story_file, runs, notes)
            if "soak" in fig:
                runs.append(fig["soak"])
            if not args.no_policyd and not args.soak_only:
                log("policyd-weight")
                pw, why = run_policyd(args, tmp, zones, story_file)
                if pw is None:
                    notes.append("policyd-weight not measured: " + why)
                else:
                    runs.insert(3, pw)
                    fig["policyd"] = pw
        finally:
            nsd.stop()
        ratios = targets(fig)
        notes += target_notes(fig)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        if base_tmp:
            shutil.rmtree(base_tmp, ignore_errors=True)

    notes.append("rspamd hfilter is not measured: it runs only inside a full rspamd "
                 "scanner (its own workers, configuration and DNS resolver), which this "
                 "benchmark does not drive per SMTP session; scripts/compare-generic "
                 "compares its hostname rules offline.")
    text = report(args, m, mix, runs, ratios, notes)
    print(text)
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "latest.md"), "w") as f:
        f.write(text)
    with open(os.path.join(args.out, "latest.txt"), "w") as f:
        f.write("# scripts/bench %s\n" % " ".join(sys.argv[1:]))
        for k, v in m.items():
            f.write("machine.%s=%s\n" % (k, v))
        f.write("shared_machine=%s\n" % ("yes" if args.shared else "no"))
        f.write("stories=%d\nconcurrency=%d\nsocket_type=unix\n" % (args.stories,
                                                                    args.concurrency))
        for kind, n in mix.items():
            f.write("mix.%s=%d\n" % (kind, n))
        for r in runs:
            for k in ("sessions", "sessions_per_s", "p50_ms", "p90_ms", "p99_ms", "max_ms",
                      "accept", "reject", "tempfail", "errors", "headers_changed", "cpu_s",
                      "cpu_ms_per_session", "hwm_mb", "concurrency", "slow_1s", "udp_drops",
                      "dns_lookups", "cache_hits", "cache_misses", "cache_evictions",
                      "cache_hit_pct", "cache_capacity", "late_answers", "dns_answers",
                      "rss_after_1min_mb", "rss_end_mb", "rss_max_mb", "rss_series"):
                if k in r:
                    f.write("%s.%s=%s\n" % (slug(r["name"]), k, r[k]))
        for name, target, value, ok in ratios:
            f.write("target.%s=%s (%s) %s\n" % (slug(name), value, target,
                                                 "" if ok is None else verdict(ok)))
        for n in notes:
            f.write("note=%s\n" % n)
    log("wrote %s/latest.txt and latest.md" % args.out)
    return 0


def build_baseline(rev, where):
    """rdns-milter as it was at git revision rev, built in where."""
    log("building the baseline rdns-milter at %s" % rev)
    src = os.path.join(where, "src")
    os.makedirs(src)
    archive = subprocess.run(["git", "-C", ROOT, "archive", rev], capture_output=True,
                             check=True).stdout
    subprocess.run(["tar", "-x", "-C", src], input=archive, check=True)
    b = os.path.join(where, "build")
    subprocess.run(["cmake", "-S", src, "-B", b], check=True, capture_output=True)
    subprocess.run(["cmake", "--build", b, "-j%d" % (os.cpu_count() or 1), "--target",
                    "rdns-milter"], check=True, capture_output=True)
    return os.path.join(b, "rdns-milter")


def bench_milters(args, tmp, noop, rdns, nsd, story_file, runs, notes):
    fig = {}
    sock = os.path.join(tmp, "m.sock")
    spec = "unix:" + sock
    extra = {}
    if config_accepts(rdns, tmp, nsd.resolver, {"cache_size": 10000}):
        # room for every answer of every client (up to ~7 names and types
        # each), so the second pass is all cache hits
        extra["cache_size"] = max(20000, 10 * args.stories)
        notes.append("rdns-milter ran with dns.cache_size %d (room for every answer of "
                     "the run)" % extra["cache_size"])
    else:
        notes.append("this build has no dns.cache_size: 'warm' is a second pass without "
                     "a DNS cache of the milter's own")
    has_prefetch = config_accepts(rdns, tmp, nsd.resolver, {"prefetch": True})
    conf = os.path.join(tmp, "rdns.yaml")

    if args.soak_only:
        return soak_run(args, tmp, rdns, nsd, conf, sock, spec, story_file, extra)

    log("ceiling: noop_milter")
    with Milter([noop, "-s", spec], sock, os.path.join(tmp, "noop.log"), "noop_milter") as mm:
        drive(args, spec, story_file, n=200)                 # warm-up
        c0 = proc_cpu(mm.pid)
        fig["noop"] = measured("ceiling (no-op milter)", mm.pid,
                               drive(args, spec, story_file), c0)
    runs.append(fig["noop"])

    rdns_config(conf, sock, nsd.resolver, extra)
    log("rdns-milter cold and warm")
    with Milter(rdns_argv(rdns, conf), sock, os.path.join(tmp, "rdns.log"),
                "rdns-milter") as mm:
        s0 = milter_stats(rdns, conf)
        c0 = proc_cpu(mm.pid)
        fig["cold"] = measured("rdns-milter cold", mm.pid, drive(args, spec, story_file), c0)
        s1 = milter_stats(rdns, conf)
        c0 = proc_cpu(mm.pid)
        fig["warm"] = measured("rdns-milter warm", mm.pid, drive(args, spec, story_file), c0)
        s2 = milter_stats(rdns, conf)
        with_cache_figures(fig["cold"], s0, s1)
        with_cache_figures(fig["warm"], s1, s2)
        for k in ("cold", "warm"):
            f = fig[k]
            if "cache_hits" in f:
                notes.append("%s: %d DNS lookups, %d answered from the cache (%.0f%%), %d "
                             "evictions; cache capacity %d entries" % (
                                 f["name"], f["cache_hits"] + f["cache_misses"],
                                 f["cache_hits"], f["cache_hit_pct"], f["cache_evictions"],
                                 f["cache_capacity"]))
        if extra.get("cache_size") and s2.get("cache_capacity") \
                and int(s2["cache_capacity"]) != extra["cache_size"]:
            notes.append("rdns-milter was given dns.cache_size %d but reports a capacity of "
                         "%d: the key does not reach the cache in this build"
                         % (extra["cache_size"], int(s2["cache_capacity"])))
    runs += [fig["cold"], fig["warm"]]

    # 20 ms DNS: every run a fresh process (same cache state), the same
    # first clients; the baseline is the same run with no delay. After the
    # delayed pass, a second pass in the same process shows what the
    # cache leaves of the delay.
    n = min(args.delay_sessions, args.stories)
    dc = min(args.concurrency, 10)
    if has_prefetch:
        variants = [("prefetch on", rdns, {"prefetch": True}),
                    ("prefetch off", rdns, {"prefetch": False})]
    else:
        variants = [("", rdns, {})]
        if args.baseline_milter:
            variants.append(("baseline build", args.baseline_milter, {}))
            notes.append("this build has no dns.prefetch switch: 'baseline build' is "
                         "rdns-milter %s, given as one without overlapping lookups, for the "
                         "with/without comparison"
                         % ("at git revision " + args.baseline_commit if args.baseline_commit
                            else args.baseline_milter))
        else:
            notes.append("this build has no dns.prefetch switch: the 20 ms runs measure the "
                         "milter as it is; --baseline-milter BINARY (a build without "
                         "overlap) gives the with/without comparison")
    for label, binary, pf in variants:
        key = label.replace(" ", "_")
        bx = extra
        if binary != rdns and not config_accepts(binary, tmp, nsd.resolver, extra):
            bx = {}
            notes.append("the baseline build has no dns.cache_size: it ran on its defaults")
        for delay in (0, 20):
            name = "rdns-milter DNS +%d ms%s" % (delay, (", " + label) if label else "")
            ctx = delaydns.DelayDNS(nsd.resolver, delay).start() if delay else None
            rdns_config(conf, sock, ctx.resolver if ctx else nsd.resolver, dict(bx, **pf))
            try:
                log(name)
                with Milter(rdns_argv(binary, conf), sock, os.path.join(tmp, "rdns-d.log"),
                            "rdns-milter") as mm:
                    c0 = proc_cpu(mm.pid)
                    f = measured(name, mm.pid, drive(args, spec, story_file, n=n, conc=dc), c0)
                    if ctx:
                        f["late_answers"], f["dns_answers"] = ctx.late, ctx.answered
                        c0 = proc_cpu(mm.pid)
                        w = measured(name + ", warm", mm.pid,
                                     drive(args, spec, story_file, n=n, conc=dc), c0)
                        fig["delay20warm" + key] = w
            finally:
                if ctx:
                    ctx.stop()
            fig["delay%d%s" % (delay, key)] = f
            runs.append(f)
            if ctx:
                runs.append(w)

    log("500 concurrent sessions")
    rdns_config(conf, sock, nsd.resolver, extra)
    for what, argv in (("rdns-milter", rdns_argv(rdns, conf)), ("noop", [noop, "-s", spec])):
        with Milter(argv, sock, os.path.join(tmp, "big.log"), what) as mm:
            c0 = proc_cpu(mm.pid)
            peak = [0.0]
            stop = threading.Event()

            def sample(pid=mm.pid):
                while not stop.is_set():
                    peak[0] = max(peak[0], proc_status(pid, "VmRSS"))
                    stop.wait(0.2)
            th = threading.Thread(target=sample, daemon=True)
            th.start()
            try:
                f = measured("%s, 500 concurrent" % ("rdns-milter cold" if what == "rdns-milter"
                                                     else "ceiling"),
                             mm.pid, drive(args, spec, story_file,
                                           n=min(args.big_sessions, args.stories), conc=500), c0)
            finally:
                stop.set()
                th.join()
            f["threads_peak_note"] = peak[0]
        fig["big_" + what] = f
        runs.append(f)

    if args.soak > 0:
        fig.update(soak_run(args, tmp, rdns, nsd, conf, sock, spec, story_file, extra))
    return fig


def soak_run(args, tmp, rdns, nsd, conf, sock, spec, story_file, extra):
    # a cache smaller than the working set, so lookups keep going to
    # DNS: a leak on any path (miss, eviction, refusal) shows
    soak_extra = dict(extra)
    if "cache_size" in soak_extra:
        soak_extra["cache_size"] = max(1000, args.stories)
    rdns_config(conf, sock, nsd.resolver, soak_extra)
    return {"soak": soak(args, tmp, rdns, conf, sock, spec, story_file)}


def soak(args, tmp, rdns, conf, sock, spec, story_file):
    secs = args.soak * 60
    log("soak: %g minutes" % args.soak)
    samples = []
    with Milter(rdns_argv(rdns, conf), sock, os.path.join(tmp, "soak.log"),
                "rdns-milter") as mm:
        stop = threading.Event()
        t0 = time.monotonic()

        def sample():
            while not stop.is_set():
                samples.append((time.monotonic() - t0, proc_status(mm.pid, "VmRSS")))
                stop.wait(5)
        th = threading.Thread(target=sample, daemon=True)
        th.start()
        try:
            f = drive(args, spec, story_file, seconds=secs, conc=min(args.concurrency, 10))
        finally:
            stop.set()
            th.join()
        samples.append((time.monotonic() - t0, proc_status(mm.pid, "VmRSS")))
        st = milter_stats(rdns, conf)
    with_cache_figures(f, {}, st)
    after1 = [r for t, r in samples if t >= 60] or [r for _, r in samples]
    f["rss_after_1min_mb"] = after1[0]
    f["rss_end_mb"] = samples[-1][1]
    f["rss_max_mb"] = max(r for _, r in samples)
    f["samples"] = len(samples)
    f["rss_series"] = " ".join("%.0fs:%.1f" % (t, m) for t, m in samples[::6] + samples[-1:])
    f["minutes"] = args.soak
    f["name"] = "rdns-milter soak, %g min" % args.soak
    return f


def targets(fig):
    out = []
    if "noop" in fig and "warm" in fig:
        r = fig["warm"]["sessions_per_s"] / fig["noop"]["sessions_per_s"]
        out.append(("warm / ceiling sessions/s", ">= 80%", "%.0f%%" % (100 * r), r >= 0.80))
    if "cold" in fig and "policyd" in fig:
        r = fig["cold"]["sessions_per_s"] / fig["policyd"]["sessions_per_s"]
        out.append(("cold / policyd-weight sessions/s", ">= 5x", "%.1fx" % r, r >= 5))
    if "delay0prefetch_on" in fig:
        on = fig["delay20prefetch_on"]["p50_ms"] - fig["delay0prefetch_on"]["p50_ms"]
        off = fig["delay20prefetch_off"]["p50_ms"] - fig["delay0prefetch_off"]["p50_ms"]
        saved = (off - on) / 20.0
        out.append(("DNS round trips added at p50, prefetch on", "-", "%.1f (%.0f ms)"
                    % (on / 20.0, on), None))
        out.append(("DNS round trips added at p50, prefetch off", "-", "%.1f (%.0f ms)"
                    % (off / 20.0, off), None))
        out.append(("round trips saved by overlap at p50", ">= 1", "%.2f (%.0f ms)"
                    % (saved, off - on), saved >= 1))
    elif "delay0baseline_build" in fig:
        on = fig["delay20"]["p50_ms"] - fig["delay0"]["p50_ms"]
        off = fig["delay20baseline_build"]["p50_ms"] - fig["delay0baseline_build"]["p50_ms"]
        saved = (off - on) / 20.0
        out.append(("DNS round trips added at p50, this build", "-", "%.1f (%.0f ms)"
                    % (on / 20.0, on), None))
        out.append(("DNS round trips added at p50, baseline build (no overlap)", "-",
                    "%.1f (%.0f ms)" % (off / 20.0, off), None))
        out.append(("round trips saved by overlap at p50 (builds compared)", ">= 1",
                    "%.2f (%.0f ms)" % (saved, off - on), saved >= 1))
    elif "delay0" in fig:
        add = fig["delay20"]["p50_ms"] - fig["delay0"]["p50_ms"]
        out.append(("DNS round trips added at p50 (no prefetch key)", "-", "%.1f (%.0f ms)"
                    % (add / 20.0, add), None))
        out.append(("round trips saved by overlap at p50", ">= 1", "not measurable yet", None))
    for key in sorted(k for k in fig if k.startswith("delay20warm")):
        label = key[len("delay20warm"):]
        add = fig[key]["p50_ms"] - fig["delay0" + label]["p50_ms"]
        out.append(("DNS round trips added at p50, 20 ms DNS, warm cache%s"
                    % (", " + label.replace("_", " ") if label else ""), "-",
                    "%.1f (%.0f ms)" % (add / 20.0, add), None))
    if "big_rdns-milter" in fig:
        h = fig["big_rdns-milter"]["hwm_mb"]
        out.append(("peak RSS, 500 concurrent sessions", "<= 64 MB", "%.1f MB" % h, h <= 64))
    if "soak" in fig:
        s = fig["soak"]
        g = s["rss_end_mb"] - s["rss_after_1min_mb"]
        out.append(("RSS growth over %g min soak (after minute 1)" % s["minutes"], "none",
                    "%+.1f MB (%.1f -> %.1f, max %.1f; %d sessions, %.0f%% cache hits)"
                    % (g, s["rss_after_1min_mb"], s["rss_end_mb"], s["rss_max_mb"],
                       s["sessions"], s.get("cache_hit_pct", 0)), g <= 1.0))
    return out


def target_notes(fig):
    notes = []
    for k, f in fig.items():
        if isinstance(f, dict) and f.get("late_answers"):
            notes.append("%s: %d of %d delayed DNS answers were more than 5 ms late "
                         "(the delaying proxy fell behind)" % (f["name"], f["late_answers"],
                                                              f["dns_answers"]))
        if isinstance(f, dict) and f.get("slow_1s"):
            notes.append("%s: %d sessions took 1 s or more (UDP receive-buffer drops on "
                         "the machine meanwhile: %d)"
                         % (f["name"], f["slow_1s"], f.get("udp_drops", 0)))
        if isinstance(f, dict) and f.get("errors"):
            notes.append("%s: %d sessions failed (see the driver's messages)"
                         % (f["name"], f["errors"]))
    if "policyd" in fig:
        notes.append("policyd-weight's CPU and peak RSS are summed over its %d processes "
                     "(master, cache, children; shared pages counted in each)"
                     % fig["policyd"].get("processes", 0))
        notes.append("policyd-weight gets client_name and reverse_client_name from the "
                     "stories, as Postfix would hand them over after its own PTR and "
                     "FCrDNS lookups: rdns-milter does those lookups itself, so the "
                     "comparison favours policyd-weight. Its HAM/SPAM result caches are on "
                     "(defaults); every client is new to it.")
    return notes


if __name__ == "__main__":
    sys.exit(main())
