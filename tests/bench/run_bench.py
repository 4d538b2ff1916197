#!/usr/bin/env python3
"""
NAME
    run_bench - rdns-milter's benchmark: throughput, latency, CPU and memory
    next to a no-op milter (the ceiling) and policyd-weight

SYNOPSIS
    run_bench.py [--build DIR] [--stories N] [--reps R] [--concurrency C]
                 [--concs C,C,...] [--big-cache N]
                 [--baseline-milter BINARY | --baseline-commit REV]
                 [--soak MINUTES [--soak-only] [--soak-stories N]] [--quick]
                 [--no-policyd] [--no-postfix] [--no-extras] [--out DIR]

DESCRIPTION
    Everything runs on loopback, against DNS data generated for the run
    (stories.py: 10,000 clients, a documented mix) and served by NSD. The
    SMTP side is milterdrive, which plays the MTA over a unix socket.

    Repetitions (--reps, default 3), interleaved: in each, one after
    another,
      ceiling        noop_milter (libmilter, same protocol steps, no work),
                     a pass at each of --concs (1, 8, 32 sessions at a time)
      default        a fresh rdns-milter at the shipped defaults: a cold pass
                     (each client once, --concurrency at a time), then a warm
                     pass at each of --concs
      large cache    a fresh rdns-milter with dns.cache_size --big-cache:
                     cold, then warm (labelled rows)
      no names       a fresh rdns-milter at the defaults, the driver sending
                     no {client_name}/{client_resolve} (milterdrive -N): cold,
                     every PTR and A lookup its own (labelled row)
      policyd-weight the Debian package over Postfix's policy protocol, same
                     clients, its own NSD on 127.0.0.2:53 (it takes no port),
                     DNSBL and RHSBL lists emptied, syslog into a discarding
                     datagram socket; started once, measured in each
                     repetition
    Every ratio (warm / ceiling per concurrency, cold / policyd-weight) is
    computed per repetition from figures of the same minutes; the report
    gives the median and min-max of those ratios. The load average is
    recorded at the start, at each repetition and at the end.

    Then, once each:
      Postfix        tests/bench/postfix_latency.py: a real Postfix with
                     no milter, the no-op milter on unix, rdns-milter on
                     unix and on inet: ms per message, sequential and 20 at
                     a time, itself interleaved --reps times
      delay          DNS answers 20 ms late (delaydns.py in front of NSD):
                     the added latency per session, in DNS round trips, with
                     dns.prefetch on and off, then a warm second pass
      500 sessions   500 concurrent sessions: peak RSS of the milter
      soak           (--soak MINUTES) the default config, --concurrency
                     sessions at a time over --soak-stories clients (more
                     answers than the default cache holds, so it evicts
                     throughout): RSS each minute, and glibc malloc figures
                     (in use, free, arenas) from libmallocwatch.so

    CPU seconds come from /proc/PID/stat (user + system, children
    included), peak RSS from VmHWM in /proc/PID/status.

    Prints a markdown report (date, commit, load averages, tables) and
    writes it to tests/bench/results/latest.md, and every figure as
    key=value to latest.txt.
"""

import argparse
import datetime
import ipaddress
import os
import platform
import re
import resource
import shutil
import signal
import socket
import statistics
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

def machine_busy_s():
    """CPU seconds the whole machine spent busy so far (every CPU, every
    process: milter or policy server, driver, NSD), from /proc/stat."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    return (sum(v[:8]) - v[3] - v[4]) / TICK


def drive(args, sock, story_file, n=None, conc=None, seconds=None, policy=False, names=True):
    """names=False: the driver sends no {client_name}/{client_resolve} (an
    MTA that does not look its clients up), so rdns-milter does every
    PTR and A lookup itself."""
    drops0 = udp_rcvbuf_errors()
    busy0 = machine_busy_s()
    cmd = [args.drive, "-c", str(conc or args.concurrency), "-s", sock]
    if not names:
        cmd.append("-N")
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
    if got["sessions"]:
        got["machine_ms_per_session"] = 1000.0 * (machine_busy_s() - busy0) / got["sessions"]
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


def story_slice(story_file, start, n, path):
    """Writes clients start..start+n-1 of story_file (header kept) to path:
    a client policyd-weight has seen before is answered from its result
    cache, so each of its measurements gets clients it has never seen."""
    with open(story_file) as f:
        lines = f.read().splitlines()
    head = [l for l in lines[:1] if l.startswith("#")]
    body = lines[len(head):]
    with open(path, "w") as f:
        f.write("\n".join(head + body[start:start + n]) + "\n")
    return path


class Policyd:
    """policyd-weight, started once and measured once per repetition, each
    time on clients it has not seen (its HAM/SPAM caches stay on)."""

    def __init__(self, args, tmp, zones):
        self.args, self.tmp, self.zones = args, tmp, zones
        self.binary = shutil.which("policyd-weight") or "/usr/sbin/policyd-weight"
        self.sysl = self.nsd2 = None
        self.before = set()

    def start(self):
        """None when running, else why not."""
        if not os.path.exists(self.binary):
            return "policyd-weight not installed"
        tmp = self.tmp
        self.lock = os.path.join(tmp, "polw")
        os.makedirs(self.lock, exist_ok=True)
        shutil.chown(self.lock, "polw", "polw")
        os.chmod(tmp, 0o755)
        devlog = os.path.join(tmp, "devlog")
        self.sysl = DevNullSyslog(devlog)
        self.port = dnsfixture.free_port()
        self.conf = os.path.join(tmp, "policyd-weight.conf")
        with open(self.conf, "w") as f:
            f.write(POLW_CONF.format(ns="127.0.0.2", lock=self.lock, port=self.port,
                                     devlog=devlog))
        os.chmod(self.conf, 0o644)
        self.before = all_pids()
        self.nsd2 = FixedPortNSD(self.zones, addr="127.0.0.2")
        try:
            self.nsd2.start()
        except RuntimeError as e:
            self.nsd2 = None
            self.stop()
            return "no NSD on 127.0.0.2:53 (%s)" % str(e).splitlines()[0]
        r = subprocess.run([self.binary, "-f", self.conf, "start"], capture_output=True,
                           text=True, timeout=60)
        pidfile = os.path.join(self.lock, "policyd-weight.pid")
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                int(open(pidfile).read().strip())
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    break
            except (OSError, ValueError):
                time.sleep(0.2)
        else:
            self.stop()
            return "policyd-weight did not start: %s %s" % (r.stdout[-300:], r.stderr[-300:])
        self.spec = "inet:%d@127.0.0.1" % self.port
        # warm up its processes (children, cache daemon, Perl compile) on
        # the last clients, which no measurement uses
        warm = self.args.concurrency * 2
        total = self.args.stories
        drive(self.args, self.spec,
              story_slice(self.story_file, total - warm, warm,
                          os.path.join(self.tmp, "polw-warm.txt")), n=warm, policy=True)
        self.used = 0
        return None

    def measure(self, n):
        """n clients it has not seen before (fewer when the stories run
        out before the warm-up's)."""
        n = max(1, min(n, self.args.stories - self.args.concurrency * 2 - self.used))
        part = story_slice(self.story_file, self.used, n,
                           os.path.join(self.tmp, "polw-%d.txt" % self.used))
        self.used += n
        cpu0 = sum(proc_cpu(p) for p in polw_pids(self.before))
        fig = drive(self.args, self.spec, part, n=n, policy=True)
        fig["name"] = "policyd-weight"
        pids = polw_pids(self.before)
        fig["cpu_s"] = sum(proc_cpu(p) for p in pids) - cpu0
        fig["cpu_ms_per_session"] = 1000.0 * fig["cpu_s"] / max(1, fig["sessions"])
        fig["hwm_mb"] = sum(proc_status(p, "VmHWM") for p in pids)
        fig["processes"] = len(pids)
        return fig

    def stop(self):
        try:
            if getattr(self, "conf", None) and os.path.exists(self.binary):
                subprocess.run([self.binary, "-f", self.conf, "-k", "stop"],
                               capture_output=True, timeout=60)
        except subprocess.TimeoutExpired:
            pass
        time.sleep(0.5)
        for p in polw_pids(self.before):       # "stop" may leave its cache behind
            try:
                os.kill(p, signal.SIGTERM)
            except OSError:
                pass
        if self.nsd2:
            self.nsd2.stop()
        if self.sysl:
            self.sysl.close()


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


def git_commit():
    try:
        rev = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"],
                             capture_output=True, text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, timeout=10).stdout.strip()
        return rev + ("+uncommitted" if dirty else "") if rev else "?"
    except (OSError, subprocess.TimeoutExpired):
        return "?"


def loadavg():
    return "%.2f %.2f %.2f" % os.getloadavg()


def med(v):
    return statistics.median(v) if v else 0.0


def spread(v, fmt):
    """median (min-max) of v, each formatted with fmt."""
    if not v:
        return "-"
    if len(v) == 1:
        return fmt % v[0]
    return (fmt + " (" + fmt + "-" + fmt + ")") % (med(v), min(v), max(v))


def summary_row(name, figs):
    """One table row from the repetitions of one measurement."""
    g = lambda k: [f.get(k, 0) for f in figs]
    hits = [f["cache_hit_pct"] for f in figs if "cache_hit_pct" in f]
    return ("| %s | %d | %s | %s | %s | %s | %s | %s | %s |"
            % (name, len(figs), spread(g("sessions_per_s"), "%.0f"), spread(g("p50_ms"), "%.2f"),
               spread(g("p99_ms"), "%.2f"), spread(g("cpu_ms_per_session"), "%.3f"),
               spread(g("machine_ms_per_session"), "%.3f"),
               "%.1f" % max(g("hwm_mb")), spread(hits, "%.0f%%") if hits else "-"))


def report(args, m, mix, reps, ratios, postfix, extra_runs, soak_fig, notes):
    L = []
    L.append("# rdns-milter benchmark (scripts/bench)")
    L.append("")
    L.append("Taken %s, commit %s, on %d CPU(s) (%s), %s GB RAM, Linux %s."
             % (m["date"], m["commit"], m["nproc"], m["cpu"], m["mem_gb"], m["kernel"]))
    L.append("Load average (1/5/15 min) at start %s, at each repetition %s, at end %s."
             % (m["loadavg_start"], "; ".join(r["loadavg"] for r in reps), m["loadavg_end"]))
    L.append("")
    L.append("%d interleaved repetitions: in each, the no-op milter, rdns-milter (a fresh "
             "process at the default config: a cold pass, then warm passes), rdns-milter with "
             "a large cache, and policyd-weight run one after another, so every ratio "
             "compares figures of the same minutes; a ratio is the median of the "
             "per-repetition ratios (min-max in brackets). Milter socket: unix; the driver "
             "(milterdrive) plays the MTA, one write per protocol packet. DNS: NSD on "
             "loopback serving %d generated clients (%s). Each pass is every client once."
             % (len(reps), args.stories, ", ".join("%s %d" % kv for kv in mix.items())))
    L.append("")
    L.append("| run | reps | sessions/s | p50 ms | p99 ms | CPU ms/session | machine CPU "
             "ms/session | peak RSS MB | cache hits |")
    L.append("|---|---|---|---|---|---|---|---|---|")
    for key, name in row_names(args):
        figs = [r[key] for r in reps if key in r]
        if figs:
            L.append(summary_row(name, figs))
    L.append("")
    L.append("| measure | target | median (min-max) | |")
    L.append("|---|---|---|---|")
    for name, target, value, ok in ratios:
        L.append("| %s | %s | %s | %s |" % (name, target, value,
                                            "" if ok is None else verdict(ok)))
    if postfix:
        L.append("")
        L.append("Through a real Postfix (smtpd_milters; Postfix's smtp-source sends, "
                 "smtp-sink receives; tests/bench/postfix_latency.py): wall time per "
                 "message, the cases interleaved.")
        for text in postfix:
            L.append("")
            L.append(text)
    if extra_runs:
        L.append("")
        L.append("Single runs (not repeated):")
        L.append("")
        L.append("| run | sessions | sessions/s | p50 ms | p99 ms | accept / reject / tempfail "
                 "| CPU s | CPU ms/session | peak RSS MB |")
        L.append("|---|---|---|---|---|---|---|---|---|")
        for f in extra_runs:
            L.append(row(f))
    if soak_fig:
        L.append("")
        L.append("Soak, %g minutes at the default config, %d sessions at a time over %d "
                 "clients (more answers than the cache holds: it is full and evicting "
                 "after the first minute; %d sessions, %.0f%% cache hits, %d evictions): "
                 "environment as the systemd unit (%s); RSS per minute (MB): %s"
                 % (soak_fig["minutes"], soak_fig["concurrency"], soak_fig["clients"],
                    soak_fig["sessions"], soak_fig.get("cache_hit_pct", 0),
                    soak_fig.get("cache_evictions", 0), soak_fig["environment"] or "none",
                    soak_fig["rss_per_minute"]))
        if soak_fig.get("malloc_series"):
            L.append("")
            L.append("glibc malloc over the soak (mallinfo2, MB in use / free in the heaps, "
                     "arenas): %s" % soak_fig["malloc_series"])
    if notes:
        L.append("")
        for n in notes:
            L.append("- " + n)
    return "\n".join(L) + "\n"


def row_names(args):
    out = []
    for c in args.concs:
        out.append(("noop%d" % c, "ceiling (no-op milter), %d at a time" % c))
    out.append(("cold", "rdns-milter cold, default config, %d at a time" % args.concurrency))
    for c in args.concs:
        out.append(("warm%d" % c, "rdns-milter warm, default config, %d at a time" % c))
    out.append(("bigcold", "rdns-milter cold, dns.cache_size %d, %d at a time"
                % (args.big_cache, args.concurrency)))
    out.append(("bigwarm", "rdns-milter warm, dns.cache_size %d, %d at a time"
                % (args.big_cache, args.concurrency)))
    out.append(("owncold", "rdns-milter cold, default config, no client names from the MTA "
                "(every PTR and A lookup its own), %d at a time" % args.concurrency))
    out.append(("policyd", "policyd-weight, %d at a time (%d sessions)"
                % (args.concurrency, min(args.policyd_sessions, args.stories))))
    return out


# ---- main ----------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(prog="run_bench.py")
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--stories", type=int, default=10000)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--concurrency", type=int, default=8,
                    help="sessions at a time for cold, policyd-weight and the soak")
    ap.add_argument("--concs", default="1,8,32",
                    help="concurrencies of the warm / ceiling comparison")
    ap.add_argument("--big-cache", type=int, default=100000,
                    help="dns.cache_size of the labelled large-cache rows")
    ap.add_argument("--policyd-sessions", type=int, default=2000)
    ap.add_argument("--delay-sessions", type=int, default=1000)
    ap.add_argument("--big-sessions", type=int, default=5000)
    ap.add_argument("--postfix-messages", type=int, default=200)
    ap.add_argument("--baseline-milter", help="an rdns-milter binary without overlapping "
                    "lookups, for the 20 ms comparison while the build has no dns.prefetch")
    ap.add_argument("--baseline-commit", help="build rdns-milter at this git revision (in a "
                    "temporary folder) and use it as --baseline-milter")
    ap.add_argument("--soak", type=float, default=0, help="minutes (0: no soak)")
    ap.add_argument("--soak-stories", type=int, default=20000,
                    help="clients of the soak: their ~3 answers each overflow the cache")
    ap.add_argument("--soak-only", action="store_true", help="run the soak alone")
    ap.add_argument("--quick", action="store_true", help="small runs, for development")
    ap.add_argument("--no-policyd", action="store_true")
    ap.add_argument("--no-postfix", action="store_true")
    ap.add_argument("--no-extras", action="store_true",
                    help="skip the single runs (20 ms DNS, 500 concurrent)")
    ap.add_argument("--out", default=os.path.join(HERE, "results"))
    args = ap.parse_args()
    args.concs = [int(c) for c in args.concs.split(",")]
    if args.quick:
        args.stories, args.policyd_sessions = 500, 200
        args.delay_sessions, args.big_sessions = 200, 1000
        args.postfix_messages = 20
    args.drive = os.path.join(args.build, "milterdrive")
    noop = os.path.join(args.build, "noop_milter")
    rdns = os.path.join(args.build, "rdns-milter")
    for b in (args.drive, noop, rdns):
        if not os.access(b, os.X_OK):
            sys.exit("bench: %s missing (build first: scripts/build.sh)" % b)

    m = machine()
    m["commit"] = git_commit()
    t_start = time.monotonic()
    base_tmp = None
    if args.baseline_commit and not args.baseline_milter:
        base_tmp = tempfile.mkdtemp(prefix="rdns-bench-base.")
        args.baseline_milter = build_baseline(args.baseline_commit, base_tmp)
    tmp = tempfile.mkdtemp(prefix="rdns-bench.")
    reps, ratios, notes, postfix, extra_runs, soak_fig = [], [], [], [], [], None
    try:
        story_file, zones, mix = stories.generate(args.stories, os.path.join(tmp, "dns"))
        log("%d stories: %s" % (args.stories, mix))
        nsd = BenchNSD(zones).start()
        try:
            if not args.soak_only:
                reps = core_reps(args, tmp, noop, rdns, nsd, story_file, zones, notes)
                ratios = targets(args, reps)
                if not args.no_postfix:
                    postfix = postfix_rows(args, rdns, noop, notes)
                if not args.no_extras:
                    extra_runs = bench_extras(args, tmp, noop, rdns, nsd, story_file, notes)
        finally:
            nsd.stop()
        if args.soak > 0:
            soak_fig = soak(args, tmp, rdns)
            g = soak_fig["rss_growth_mb"]
            ratios.append(("RSS growth over the soak after minute 1, default config",
                           "<= 1 MB", "%+.1f MB" % g, g <= 1.0))
        for r in reps:
            notes += [n for n in target_notes(r) if n not in notes]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        if base_tmp:
            shutil.rmtree(base_tmp, ignore_errors=True)

    m["loadavg_end"] = loadavg()
    notes.append("the run took %.1f minutes" % ((time.monotonic() - t_start) / 60))
    notes.append("rspamd hfilter is not measured: it runs only inside a full rspamd "
                 "scanner (its own workers, configuration and DNS resolver), which this "
                 "benchmark does not drive per SMTP session; scripts/compare-generic "
                 "compares its hostname rules offline.")
    text = report(args, m, mix, reps, ratios, postfix, extra_runs, soak_fig, notes)
    print(text)
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "latest.md"), "w") as f:
        f.write(text)
    with open(os.path.join(args.out, "latest.txt"), "w") as f:
        f.write("# scripts/bench %s\n" % " ".join(sys.argv[1:]))
        for k, v in m.items():
            f.write("machine.%s=%s\n" % (k, v))
        f.write("stories=%d\nconcurrency=%d\nsocket_type=unix\nreps=%d\n"
                % (args.stories, args.concurrency, len(reps)))
        for kind, n in mix.items():
            f.write("mix.%s=%d\n" % (kind, n))
        for i, r in enumerate(reps):
            f.write("rep%d.loadavg=%s\n" % (i, r["loadavg"]))
            for key, _ in row_names(args):
                if key in r:
                    for k in ("sessions", "sessions_per_s", "p50_ms", "p99_ms", "cpu_ms_per_session",
                              "hwm_mb", "cache_hit_pct", "cache_capacity", "errors", "slow_1s"):
                        if k in r[key]:
                            f.write("rep%d.%s.%s=%s\n" % (i, key, k, r[key][k]))
        for rr in extra_runs + ([soak_fig] if soak_fig else []):
            for k in ("sessions", "sessions_per_s", "p50_ms", "p99_ms", "cpu_ms_per_session",
                      "hwm_mb", "late_answers", "dns_answers", "rss_per_minute",
                      "malloc_series", "rss_growth_mb"):
                if k in rr:
                    f.write("%s.%s=%s\n" % (slug(rr["name"]), k, rr[k]))
        for name, target, value, ok in ratios:
            f.write("target.%s=%s (%s) %s\n" % (slug(name), value, target,
                                                 "" if ok is None else verdict(ok)))
        for n in notes:
            f.write("note=%s\n" % n)
    log("wrote %s/latest.txt and latest.md" % args.out)
    return 0


def core_reps(args, tmp, noop, rdns, nsd, story_file, zones, notes):
    """The interleaved repetitions; one dict of figures per repetition."""
    sock = os.path.join(tmp, "m.sock")
    spec = "unix:" + sock
    conf = os.path.join(tmp, "rdns.yaml")
    bigconf = os.path.join(tmp, "rdns-big.yaml")
    rdns_config(conf, sock, nsd.resolver, {})
    rdns_config(bigconf, sock, nsd.resolver, {"cache_size": args.big_cache})
    pw = None
    if not args.no_policyd:
        pw = Policyd(args, tmp, zones)
        pw.story_file = story_file
        why = pw.start()
        if why:
            notes.append("policyd-weight not measured: " + why)
            pw = None
    reps = []
    try:
        for i in range(args.reps):
            r = {"loadavg": loadavg()}
            log("repetition %d of %d (load %s)" % (i + 1, args.reps, r["loadavg"]))
            with Milter([noop, "-s", spec], sock, os.path.join(tmp, "noop.log"),
                        "noop_milter") as mm:
                drive(args, spec, story_file, n=200)                 # warm-up
                for c in args.concs:
                    c0 = proc_cpu(mm.pid)
                    r["noop%d" % c] = measured("ceiling %d" % c, mm.pid,
                                               drive(args, spec, story_file, conc=c), c0)
            # "own": the default config again, but the driver sends no
            # client names, so the milter does every PTR and A lookup itself.
            for key, cf, names, warm in (("", conf, True, args.concs),
                                         ("big", bigconf, True, [args.concurrency]),
                                         ("own", conf, False, [])):
                with Milter(rdns_argv(rdns, cf), sock, os.path.join(tmp, "rdns.log"),
                            "rdns-milter") as mm:
                    s0 = milter_stats(rdns, cf)
                    c0 = proc_cpu(mm.pid)
                    f = measured(key + "cold", mm.pid,
                                 drive(args, spec, story_file, names=names), c0)
                    s1 = milter_stats(rdns, cf)
                    r[key + "cold"] = with_cache_figures(f, s0, s1)
                    for c in warm:
                        c0 = proc_cpu(mm.pid)
                        f = measured(key + "warm", mm.pid,
                                     drive(args, spec, story_file, conc=c, names=names), c0)
                        s2 = milter_stats(rdns, cf)
                        r["%swarm%s" % (key, c if key == "" else "")] = \
                            with_cache_figures(f, s1, s2)
                        s1 = s2
            if pw is not None:
                r["policyd"] = pw.measure(min(args.policyd_sessions, args.stories))
            reps.append(r)
    finally:
        if pw is not None:
            pw.stop()
    if reps and "cache_capacity" in reps[0].get("cold", {}):
        notes.append("default config: dns.cache_size %d; the large-cache rows %d"
                     % (reps[0]["cold"]["cache_capacity"], args.big_cache))
    return reps


def ratio_line(reps, num, den, name, target, fmt, ok):
    v = [r[num]["sessions_per_s"] / r[den]["sessions_per_s"] for r in reps
         if num in r and den in r and r[den]["sessions_per_s"] > 0]
    if not v:
        return None
    return (name, target, spread(v, fmt), ok(med(v)))


def targets(args, reps):
    out = []
    pct = lambda x: 100 * x
    for c in args.concs:
        want = 0.90 if c == 8 else 0.80
        v = [pct(r["warm%d" % c]["sessions_per_s"] / r["noop%d" % c]["sessions_per_s"])
             for r in reps if "warm%d" % c in r]
        if v:
            out.append(("warm / ceiling sessions/s, default config, %d at a time" % c,
                        ">= %d%%" % (100 * want), spread(v, "%.0f%%"), med(v) >= 100 * want))
    v = [pct(r["bigwarm"]["sessions_per_s"] / r["noop%d" % args.concurrency]["sessions_per_s"])
         for r in reps if "bigwarm" in r and "noop%d" % args.concurrency in r]
    if v:
        out.append(("warm / ceiling, dns.cache_size %d (labelled), %d at a time"
                    % (args.big_cache, args.concurrency), "-", spread(v, "%.0f%%"), None))
    line = ratio_line(reps, "cold", "policyd", "cold / policyd-weight sessions/s", ">= 10x",
                      "%.1fx", lambda x: x >= 10)
    if line:
        out.append(line)
    # What bounds that ratio on this machine: the same milter with every
    # answer cached, and a milter that does nothing; and the milter when
    # the MTA gives it no client names.
    c = args.concurrency
    for num, name in (("owncold", "cold, no client names from the MTA / policyd-weight, "
                       "for context"),
                      ("warm%d" % c, "warm (every answer cached) / policyd-weight, for context"),
                      ("noop%d" % c, "no-op milter / policyd-weight, for context")):
        line = ratio_line(reps, num, "policyd", name + ", %d at a time" % c, "-", "%.1fx",
                          lambda x: None)
        if line:
            out.append(line[:3] + (None,))
    return out


def postfix_rows(args, rdns, noop, notes):
    import postfix_latency
    out = []
    for conc, n in ((1, args.postfix_messages), (20, 5 * args.postfix_messages)):
        log("Postfix: %d messages, %d at a time" % (n, conc))
        try:
            s = postfix_latency.run(rdns, noop, messages=n, concurrency=conc,
                                    reps=args.reps)
        except (RuntimeError, OSError, subprocess.SubprocessError) as e:
            notes.append("Postfix rows (%d at a time) not measured: %s" % (conc, str(e)[:300]))
            continue
        out.append(postfix_latency.table(s, n, conc, args.reps))
    return out


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


def bench_extras(args, tmp, noop, rdns, nsd, story_file, notes):
    """Single runs: 20 ms DNS (overlap) and 500 concurrent sessions."""
    fig, runs = {}, []
    sock = os.path.join(tmp, "m.sock")
    spec = "unix:" + sock
    extra = {}
    has_prefetch = config_accepts(rdns, tmp, nsd.resolver, {"prefetch": True})
    conf = os.path.join(tmp, "rdns.yaml")

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
                    f = measured(name, mm.pid, drive(args, spec, story_file, n=n, conc=dc,
                                                     names=False), c0)
                    if ctx:
                        f["late_answers"], f["dns_answers"] = ctx.late, ctx.answered
                        c0 = proc_cpu(mm.pid)
                        w = measured(name + ", warm", mm.pid,
                                     drive(args, spec, story_file, n=n, conc=dc,
                                           names=False), c0)
                        fig["delay20warm" + key] = w
            finally:
                if ctx:
                    ctx.stop()
            fig["delay%d%s" % (delay, key)] = f
            runs.append(f)
            if ctx:
                runs.append(w)

    notes.append("the DNS +20 ms runs and the soak: the driver sends no client names, so "
                 "the milter does every PTR and A lookup itself (what overlap is for, and "
                 "enough answers to keep the soak's cache evicting)")
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

    probe = lookup_cost(args, nsd, story_file)
    if probe:
        notes.append(probe)
    for line in extra_targets(fig):
        notes.append(line)
    return runs


def lookup_cost(args, nsd, story_file, n=5000):
    """What one uncached exchange with the DNS server costs this machine:
    lib/dns through tests/dns/dnsprobe (cache off), PTR lookups of the
    stories' clients one after another. A cold session makes about 2.6 of
    them when the milter does every lookup itself, about 1.2 when it takes
    the MTA's confirmed names; the
    probe's user time also holds its JSON output, its system time is the
    exchange."""
    probe = os.path.join(args.build, "dnsprobe")
    if not os.path.exists(probe):
        return None
    with open(story_file) as f:
        ips = [l.split()[0] for l in f if l.strip() and not l.startswith("#")][:n]
    lines = []
    for ip in ips:
        try:
            lines.append("lookup %s PTR\n" % ipaddress.ip_address(ip).reverse_pointer)
        except ValueError:
            pass
    if not lines:
        return None
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    r = subprocess.run([probe, "--resolver", nsd.resolver, "--cache-size", "0", "script"],
                       input="".join(lines), capture_output=True, text=True, timeout=600)
    wall = time.monotonic() - t0
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    if r.returncode != 0:
        return None
    k = len(lines)
    return ("one uncached lookup, one after another (lib/dns via dnsprobe, cache off, %d PTR "
            "lookups to NSD): %.0f us wall, %.1f us system CPU and %.1f us user CPU (JSON "
            "output included) per lookup in the client"
            % (k, 1e6 * wall / k, 1e6 * (r1.ru_stime - r0.ru_stime) / k,
               1e6 * (r1.ru_utime - r0.ru_utime) / k))


def unit_environment():
    """The Environment= settings of the shipped systemd unit: the soak runs
    the daemon as the unit does (GLIBC_TUNABLES, see the unit's notes)."""
    env = {}
    for line in open(os.path.join(ROOT, "etc", "rdns-milter.service")):
        if line.startswith("Environment="):
            k, _, v = line.strip()[len("Environment="):].partition("=")
            env[k] = v
    return env


def soak(args, tmp, rdns):
    """The default config, args.concurrency sessions at a time, flat out,
    over args.soak_stories clients: more answers than the default cache
    holds, so it is full within the first minute and evicts from then on.
    RSS each minute, and glibc's malloc figures (mallocwatch) when built."""
    secs = args.soak * 60
    log("soak: %g minutes, %d clients" % (args.soak, args.soak_stories))
    story_file, zones, _ = stories.generate(args.soak_stories, os.path.join(tmp, "soakdns"))
    nsd = BenchNSD(zones).start()
    try:
        return soak_with(args, tmp, rdns, nsd, story_file, secs)
    finally:
        nsd.stop()


def soak_with(args, tmp, rdns, nsd, story_file, secs):
    sock = os.path.join(tmp, "soak.sock")
    spec = "unix:" + sock
    conf = os.path.join(tmp, "soak.yaml")
    rdns_config(conf, sock, nsd.resolver, {})
    samples = []
    watch = os.path.join(args.build, "libmallocwatch.so")
    wfile = os.path.join(tmp, "mallocwatch.txt")
    env_saved = dict(os.environ)
    os.environ.update(unit_environment())
    if os.path.exists(watch):
        os.environ.update({"LD_PRELOAD": watch, "MALLOCWATCH": wfile,
                           "MALLOCWATCH_SECS": "60"})
    try:
        mm = Milter(rdns_argv(rdns, conf), sock, os.path.join(tmp, "soak.log"),
                    "rdns-milter").__enter__()
    finally:
        os.environ.clear()
        os.environ.update(env_saved)
    try:
        stop = threading.Event()
        t0 = time.monotonic()

        def sample():
            while not stop.is_set():
                samples.append((time.monotonic() - t0, proc_status(mm.pid, "VmRSS")))
                stop.wait(5)
        th = threading.Thread(target=sample, daemon=True)
        th.start()
        try:
            f = drive(args, spec, story_file, seconds=secs, conc=args.concurrency,
                      names=False)
        finally:
            stop.set()
            th.join()
        samples.append((time.monotonic() - t0, proc_status(mm.pid, "VmRSS")))
        st = milter_stats(rdns, conf)
    finally:
        mm.__exit__()
    with_cache_figures(f, {}, st)
    per_min = []
    for minute in range(0, int(args.soak) + 1):
        near = min(samples, key=lambda s: abs(s[0] - 60 * minute))
        per_min.append("%d:%.1f" % (minute, near[1]))
    after1 = [r for t, r in samples if t >= 60] or [r for _, r in samples]
    f["rss_per_minute"] = " ".join(per_min)
    f["rss_growth_mb"] = samples[-1][1] - after1[0]
    f["minutes"] = args.soak
    f["concurrency"] = args.concurrency
    f["name"] = "rdns-milter soak, %g min" % args.soak
    f["clients"] = args.soak_stories
    f["environment"] = " ".join("%s=%s" % kv for kv in unit_environment().items())
    try:
        rows = []
        for line in open(wfile):
            kv = dict(x.split("=") for x in line.split())
            rows.append("%dm:%.1f/%.1f/%s" % (int(kv["t"]) // 60, int(kv["inuse"]) / 2**20,
                                              int(kv["free"]) / 2**20, kv["arenas"]))
        f["malloc_series"] = " ".join(rows)
    except OSError:
        pass
    return f


def extra_targets(fig):
    """Lines about the single runs (single figures, not ratios of repetitions)."""
    out = []
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
    return ["%s: %s%s" % (name, value, "" if ok is None else " (%s %s)" % (target, verdict(ok)))
            for name, target, value, ok in out]


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
    notes.append("machine CPU ms/session: busy time of every CPU during the pass (the "
                 "milter or policy server, the driver, NSD, anything else running) divided "
                 "by the sessions; a run whose sessions/s times it is near the number of "
                 "CPUs was bound by CPU, not by waiting")
    if "policyd" in fig:
        notes.append("policyd-weight's CPU and peak RSS are summed over all its processes "
                     "(master, cache, children; shared pages counted in each)")
        notes.append("policyd-weight gets client_name and reverse_client_name from the "
                     "stories, as Postfix hands them over after its own PTR and forward "
                     "lookups; rdns-milter gets the same as the macros {client_name} and "
                     "{client_resolve} (OK, FORGED or FAIL), and with milter.mta_names (the "
                     "default) takes an OK name instead of looking it up again; FORGED and "
                     "FAIL clients it looks up itself. The row 'no client names from the MTA' "
                     "is the milter doing every lookup itself. Its HAM/SPAM result caches are on "
                     "(defaults); each repetition measures it on clients it has not seen (its own "
                     "slice of the stories).")
    return notes


if __name__ == "__main__":
    sys.exit(main())
