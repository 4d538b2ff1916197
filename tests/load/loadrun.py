#!/usr/bin/env python3
"""
NAME
    loadrun - many messages through Postfix and rdns-milter, with reloads
    and a killed milter, and nothing lost

SYNOPSIS
    loadrun.py --milter BUILD/rdns-milter [--messages N] [--sessions C]
               [--clients K] [--reloads R] [--bad-reloads B] [--kills K]
               [--outage SECONDS]
               [--valgrind] [--rss-period SECONDS] [--seed S] [--keep]

DESCRIPTION
    Builds a world from the e2e harness's parts (tests/e2e: NSD, the
    recording SMTP sink, rdns-milter on a Unix socket, a private Postfix
    with the README's milter lines from etc/postfix-main.cf.snippet,
    milter_default_action = tempfail), with the client stories of
    stories.py served by NSD, then sends N messages from C concurrent SMTP
    sessions.

    The client is our own (asyncio), not Postfix's smtp-source: smtp-source
    (Postfix 3.7) has no option to choose its source address, and the
    milter's verdict depends on it. Each session binds one client's
    127.0.1.N, says that client's HELO and sends 1 to 4 messages (RSET
    after a refusal), like a real MTA's delivery agent; each message has a
    unique sequence number in its Subject and Message-ID.

    Retry policy, as an MTA's: a 4xx reply, or a connection lost before a
    message's final reply, ends the session and puts that message and the
    rest of its batch back, due again after a back-off (0.3 s times the
    attempt, at most 3 s), at most MAX_ATTEMPTS times. A 5xx at RCPT is
    a refusal (final); a 5xx anywhere else is an error.

    During the run, at fixed points of progress: R reloads (the config is
    rewritten with another authserv_id, then SIGHUP), B broken reloads (an
    unknown key in the file, then SIGHUP: the running config must stay),
    and K kills (SIGKILL, OUTAGE seconds of no milter, then a restart).
    Kills come first (10-25 % of the way), so the final milter process
    lives long enough for its RSS to be judged. Postfix applies
    milter_default_action = tempfail while the milter is gone, so mail in
    flight then is deferred (4xx) and retried, never accepted unchecked
    nor refused.

    Invariants checked (exit 1 and a list of what broke when any fails):
      - every message ends delivered or refused: sent = delivered +
        refused, lost = 0, no retry limit reached, no 5xx except refusals;
      - refused exactly the messages the stories say (bad client, recipient
        not postmaster), and nothing else;
      - the sink got every accepted message exactly once (duplicates = 0),
        no refused message, and Postfix's queue is empty at the end;
      - each delivered message has exactly one X-RDNS-Score (forged copies
        some clients send are removed) and one Authentication-Results of
        ours, whose policy.iprev is the message's own client (no state
        crosses sessions under load); one client's messages all score the
        same; after a reload, the new authserv_id shows up;
      - no 4xx and no lost connection outside a milter outage (a reload
        costs nothing), and at least one deferral per outage (the kill
        was felt);
      - the milter logged each reload and each refused broken config
        (keeping the running one), is alive at the end, exits 0 on
        SIGTERM and logged no sanitizer report;
      - RSS, sampled every second (VmRSS; --rss-period), is flat over the
        final milter process's life: at least 6 samples, and the last
        third's maximum within max(10 %, 4 MiB) of the first third's
        maximum (not judged, with a note, under --valgrind and in ASan or
        TSan builds, whose RSS is the tool's).

    --valgrind runs the milter under valgrind memcheck (--leak-check=full
    --error-exitcode=99 --errors-for-leak-kinds=definite,indirect) and
    also requires exit status 0 on SIGTERM, "ERROR SUMMARY: 0" and no
    "definitely lost"/"indirectly lost" bytes in its report.

    Prints the figures (sent, delivered, refused, deferred and retried,
    lost, duplicates, duration, msgs/s, RSS, reloads, restarts) as
    "key: value" lines. RDNS_LOAD_KEEP=1 or --keep keeps the work directory.
"""

import argparse
import asyncio
import collections
import contextlib
import email.utils
import heapq
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(TOP, "tests", "e2e"))
sys.path.insert(0, os.path.join(TOP, "tests", "dns"))

import stories                                   # noqa: E402
from dnsfixture import NSD                       # noqa: E402
from sink import SmtpSink                        # noqa: E402
from milterproc import Milter, to_yaml           # noqa: E402
from mta_postfix import Postfix, free_port       # noqa: E402
from test_e2e import postfix_milter_params       # noqa: E402

MAX_ATTEMPTS = 30
REPLY_TIMEOUT = 60.0
RSS_SLACK_KB = 4096
AUTHSERV_IDS = ("load-a.test", "load-b.test")
HEADER = "X-RDNS-Score"
VALGRIND = ["valgrind", "--tool=memcheck", "--leak-check=full", "--error-exitcode=99",
            "--errors-for-leak-kinds=definite,indirect", "--show-leak-kinds=definite,indirect",
            "--track-fds=no", "--num-callers=30"]


# ---- the messages ----------------------------------------------------------

class Msg:
    def __init__(self, seq, client, rcpt, forged):
        self.seq = seq
        self.client = client
        self.rcpt = rcpt
        self.forged = forged            # carries a forged X-RDNS-Score
        self.attempts = 0
        self.final = None               # "accepted" | "refused" | "error" | "gave_up"
        self.detail = None

    def token(self, run):
        return "%s-%06d" % (run, self.seq)

    def data(self, run):
        tok = self.token(run)
        forged = ("%s: 0.0/7.0 iprev=pass ptr=forged.example hits=none action=accept\r\n"
                  % HEADER) if self.forged else ""
        return ("From: <%s>\r\nTo: <%s>\r\nSubject: load %s\r\n"
                "Message-ID: <%s@load.test>\r\nDate: %s\r\n%s\r\n"
                "message %d of the load test\r\n.leading dot, escaped\r\n"
                % (self.client.sender, self.rcpt, tok, tok,
                   email.utils.formatdate(usegmt=True), forged, self.seq)).encode()


def make_batches(n, cls, seed):
    """n messages in sessions of 1-4 messages, each from one random client;
    1 in 16 is for postmaster, 1 in 10 carries a forged score header."""
    r = random.Random(seed)
    batches, seq = [], 0
    while seq < n:
        c = r.choice(cls)
        batch = []
        for _ in range(min(r.randint(1, 4), n - seq)):
            rcpt = ("postmaster@example.load.test" if r.random() < 1 / 16
                    else "user%d@example.load.test" % r.randint(1, 500))
            batch.append(Msg(seq, c, rcpt, r.random() < 0.1))
            seq += 1
        batches.append(batch)
    return batches


# ---- the SMTP client -------------------------------------------------------

class Trouble(Exception):
    """A 4xx or a lost connection: the batch's rest goes back for retry."""


class Stats:
    def __init__(self):
        self.sessions = 0
        self.deferrals = []             # (time, session start, what)
        self.errors = []                # unexpected replies, final
        self.finished = 0


class Driver:
    def __init__(self, port, run, batches, concurrency, stats):
        self.port = port
        self.run = run
        self.fresh = collections.deque(batches)
        self.retry = []                 # heap of (due, n, batch)
        self.concurrency = concurrency
        self.stats = stats
        self.total = sum(len(b) for b in batches)
        self.n = 0

    def progress(self):
        return self.stats.finished / self.total

    async def _next(self):
        while True:
            now = time.monotonic()
            if self.retry and self.retry[0][0] <= now:
                return heapq.heappop(self.retry)[2]
            if self.fresh:
                return self.fresh.popleft()
            if self.stats.finished >= self.total:
                return None
            await asyncio.sleep(0.05)

    def _requeue(self, batch, when, what, started):
        self.stats.deferrals.append((when, started, what))
        again = []
        for m in batch:
            if m.attempts >= MAX_ATTEMPTS:
                self._finish(m, "gave_up", what)
            else:
                again.append(m)
        if again:
            delay = min(3.0, 0.3 * max(m.attempts for m in again))
            self.n += 1
            heapq.heappush(self.retry, (time.monotonic() + delay, self.n, again))

    def _finish(self, m, how, detail=None):
        m.final, m.detail = how, detail
        self.stats.finished += 1

    async def worker(self):
        while True:
            batch = await self._next()
            if batch is None:
                return
            await self.session(batch)

    async def session(self, batch):
        c = batch[0].client
        started = time.monotonic()
        self.stats.sessions += 1
        writer = None
        pending = list(batch)
        batch[0].attempts += 1          # counted even if no MAIL is reached
        try:
            reader, writer = await asyncio.wait_for(
                asyncio.open_connection("127.0.0.1", self.port, local_addr=(c.ip, 0)), 30)

            async def reply():
                lines = []
                while True:
                    line = await asyncio.wait_for(reader.readline(), REPLY_TIMEOUT)
                    if not line:
                        raise Trouble("connection closed")
                    line = line.decode("latin-1").rstrip("\r\n")
                    lines.append(line)
                    if len(line) < 4 or line[3] != "-":
                        break
                code = int(lines[-1][:3]) if lines[-1][:3].isdigit() else 0
                return code, " | ".join(l[4:] for l in lines)

            async def cmd(line, stage, want):
                writer.write(line.encode() + b"\r\n")
                code, text = await reply()
                return self._judge(code, text, stage, want)

            self._judge(*(await reply()), "greeting", 220)
            await cmd("EHLO " + c.helo, "ehlo", 250)
            while pending:
                m = pending[0]
                if m is not batch[0]:
                    m.attempts += 1
                await cmd("MAIL FROM:<%s>" % c.sender, "mail", 250)
                code = await cmd("RCPT TO:<%s>" % m.rcpt, "rcpt", 250)
                if code >= 500:
                    self._finish(pending.pop(0), "refused")
                    await cmd("RSET", "rset", 250)
                    continue
                await cmd("DATA", "data", 354)
                body = m.data(self.run).replace(b"\r\n.", b"\r\n..")
                writer.write(body + b".\r\n")
                code = self._judge(*(await reply()), "eom", 250)
                self._finish(pending.pop(0), "accepted" if code == 250 else "error")
            writer.write(b"QUIT\r\n")
            with contextlib.suppress(Exception):
                await asyncio.wait_for(reply(), 5)
        except Trouble as t:
            self._requeue(pending, time.monotonic(), "%s %s" % (c.ip, t), started)
        except (OSError, asyncio.TimeoutError, ValueError) as e:
            self._requeue(pending, time.monotonic(), "%s %s: %r" % (c.ip, type(e).__name__, e),
                          started)
        finally:
            if writer is not None:
                writer.close()
                with contextlib.suppress(Exception):
                    await writer.wait_closed()

    def _judge(self, code, text, stage, want):
        """The reply code when it is wanted (or a 5xx refusal at RCPT);
        raises Trouble for a 4xx; records any other 5xx as an error."""
        if code == want:
            return code
        if 400 <= code < 500:
            raise Trouble("%d at %s: %s" % (code, stage, text[:120]))
        if stage == "rcpt" and 500 <= code < 600:
            return code
        self.stats.errors.append("%d at %s: %s" % (code, stage, text[:200]))
        if stage == "eom":
            return code
        raise Trouble("unexpected %d at %s" % (code, stage))

    async def run_all(self, chaos):
        workers = [asyncio.ensure_future(self.worker()) for _ in range(self.concurrency)]
        ctl = asyncio.ensure_future(chaos.run(self))
        await asyncio.gather(*workers)
        await ctl


# ---- reloads and kills -----------------------------------------------------

class Chaos:
    """Reloads and kill/restarts at fixed fractions of progress."""

    def __init__(self, milter, reloads, kills, outage, bad_reloads=0):
        self.milter = milter
        self.outage = outage
        self.plan = sorted([(0.10 + 0.15 * i / max(1, kills - 1) if kills > 1 else 0.15, "kill")
                            for i in range(kills)]
                           + [(0.35 + 0.55 * (i + 0.5) / reloads, "reload")
                              for i in range(reloads)]
                           + [(0.30 + 0.6 * i / max(1, bad_reloads), "bad_reload")
                              for i in range(bad_reloads)])
        self.reloads = 0
        self.bad_reloads = 0
        self.restarts = 0
        self.outages = []               # (killed at, ready again at)
        self.reload_times = []
        self.old_logs = []
        self.generation = 0

    async def run(self, driver):
        loop = asyncio.get_running_loop()
        for frac, what in self.plan:
            while driver.progress() < frac:
                if driver.stats.finished >= driver.total:
                    return
                await asyncio.sleep(0.05)
            if what == "reload":
                self.reload()
            elif what == "bad_reload":
                self.bad_reload()
            else:
                await loop.run_in_executor(None, self.kill_restart)

    def write_config(self):
        """The next authserv_id, written atomically (a reload never reads
        half a file)."""
        self.generation += 1
        m = self.milter
        m.settings["authserv_id"] = AUTHSERV_IDS[self.generation % 2]
        tmp = m.conf + ".new"
        with open(tmp, "w") as f:
            f.write(to_yaml(m.settings))
        os.replace(tmp, m.conf)

    def reload(self):
        self.write_config()
        self.milter.proc.send_signal(signal.SIGHUP)
        self.reload_times.append(time.monotonic())
        self.reloads += 1

    def bad_reload(self):
        """A config with an unknown key: the milter must log it and keep
        the running config (the next reload or restart writes a good one)."""
        m = self.milter
        tmp = m.conf + ".new"
        with open(tmp, "w") as f:
            f.write(to_yaml(m.settings) + "no_such_key: 1\n")
        os.replace(tmp, m.conf)
        m.proc.send_signal(signal.SIGHUP)
        self.reload_times.append(time.monotonic())
        self.bad_reloads += 1

    def kill_restart(self):
        m = self.milter
        t = time.monotonic()
        m.proc.send_signal(signal.SIGKILL)
        m.proc.wait()
        time.sleep(self.outage)
        old = "%s.%d" % (m.log, len(self.old_logs) + 1)
        os.replace(m.log, old)
        self.old_logs.append(old)
        m.proc = None
        m.start()                       # the same config file, rewritten
        self.outages.append((t, time.monotonic()))
        self.restarts += 1


# ---- memory ----------------------------------------------------------------

class RssSampler(threading.Thread):
    def __init__(self, milter, period=1.0):
        super().__init__(daemon=True)
        self.milter = milter
        self.period = period
        self.samples = []               # (time, pid, VmRSS kB, threads)
        self.stop_ev = threading.Event()

    def run(self):
        while not self.stop_ev.is_set():
            p = self.milter.proc
            if p is not None:
                s = self.read(p.pid)
                if s:
                    self.samples.append((time.monotonic(), p.pid) + s)
            self.stop_ev.wait(self.period)

    @staticmethod
    def read(pid):
        try:
            with open("/proc/%d/status" % pid) as f:
                text = f.read()
        except OSError:
            return None
        rss = re.search(r"^VmRSS:\s+(\d+)", text, re.M)
        thr = re.search(r"^Threads:\s+(\d+)", text, re.M)
        return (int(rss.group(1)), int(thr.group(1))) if rss and thr else None

    def stop(self):
        self.stop_ev.set()
        self.join(5)


def rss_verdict(samples):
    """(ok, text) about the final process's samples: too few to judge is
    not ok (a run that short proves nothing about memory)."""
    if not samples:
        return False, "no RSS samples"
    last_pid = samples[-1][1]
    own = [s for s in samples if s[1] == last_pid]
    if len(own) < 6:
        return False, ("final process sampled %d times only: too few to judge "
                       "(lower --rss-period or send more)" % len(own))
    third = len(own) // 3
    first = max(s[2] for s in own[:third])
    last = max(s[2] for s in own[-third:])
    allowed = max(first * 1.10, first + RSS_SLACK_KB)
    text = ("final process (%d samples): first third max %d kB, last third max %d kB, "
            "allowed %d kB" % (len(own), first, last, allowed))
    return last <= allowed, text


# ---- the run ---------------------------------------------------------------

def parse_fields(value):
    m = re.match(r"^\s*(-?\d+(?:\.\d+)?)/(\d+(?:\.\d+)?)(.*)$", value)
    if not m:
        return None
    return float(m.group(1)), dict(re.findall(r"([a-z_.]+)=(\S*)", m.group(3)))


class World:
    def __init__(self, args):
        self.args = args
        base = os.environ.get("RDNS_LOAD_TMPDIR", "/run/rdns-load")
        os.makedirs(base, exist_ok=True)
        os.chmod(base, 0o755)
        self.dir = tempfile.mkdtemp(prefix="load-", dir=base)
        os.chmod(self.dir, 0o755)
        self.stack = contextlib.ExitStack()
        self.milter = None
        self.mta = None

    def start(self, cls):
        a, s = self.args, self.stack
        zones = stories.write_zones(cls, os.path.join(self.dir, "zones"))
        self.nsd = s.enter_context(NSD(zones))
        self.sink = s.enter_context(SmtpSink())
        settings = {
            "dns": {"resolvers": [self.nsd.resolver]},
            "trusted_networks": [],
            "reject_stage": "rcpt",
            "never_reject": list(stories.NEVER_REJECT),
            "authserv_id": AUTHSERV_IDS[0],
        }
        binary = a.milter
        if a.valgrind:
            binary = os.path.join(self.dir, "valgrind-milter")
            with open(binary, "w") as f:
                f.write("#!/bin/sh\nexec %s --log-file=%s/valgrind.%%p.log %s \"$@\"\n"
                        % (" ".join(VALGRIND), self.dir, a.milter))
            os.chmod(binary, 0o755)
        self.milter = Milter(binary, self.dir, "milter", settings)
        self.milter.start()
        self.port = free_port()
        params = postfix_milter_params(self.milter.spec)
        # Stated here, not only inherited from the snippet: the test's
        # bookkeeping relies on a missing milter meaning 4xx, not accept.
        params["milter_default_action"] = "tempfail"
        params.update({
            "default_process_limit": str(a.sessions + 20),
            "in_flow_delay": "0",
        })
        self.mta = Postfix(os.path.join(self.dir, "postfix"), self.sink.port,
                           [(self.port, {})], main_extra=params)
        os.makedirs(self.mta.dir, exist_ok=True)
        s.enter_context(self.mta)
        return self

    def stop_milter(self, timeout):
        """SIGTERM, then wait (libmilter notices it within ~5 s; valgrind
        then checks for leaks). The exit status, or None if it hung."""
        m = self.milter
        if m.proc is None:
            return m.returncode
        m.proc.send_signal(signal.SIGTERM)
        try:
            m.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            m.stop()
            return None
        return m.stop()

    def close(self, keep):
        if self.mta:
            self.mta.stop()
        if self.milter and self.milter.proc is not None:
            self.milter.stop()
        self.stack.close()
        if keep:
            print("kept: %s" % self.dir, file=sys.stderr)
        else:
            shutil.rmtree(self.dir, ignore_errors=True)


def wait_sink(world, want, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if len(world.sink.messages()) >= want and not world.mta.queued():
            return True
        time.sleep(0.2)
    return False


def check(args, world, chaos, batches, stats, sampler, run, t0, t_run, problems):
    msgs = [m for b in batches for m in b]
    fig = collections.OrderedDict()
    by_final = collections.Counter(m.final for m in msgs)
    accepted = {m.token(run): m for m in msgs if m.final == "accepted"}
    refused = [m for m in msgs if m.final == "refused"]

    # Postfix may still be relaying the last ones.
    if not wait_sink(world, len(accepted), 60 + 0.01 * len(accepted)):
        problems.append("sink has %d of %d accepted messages after waiting; queue: %d files"
                        % (len(world.sink.messages()), len(accepted), len(world.mta.queued())))

    seen = collections.Counter()
    strangers = 0
    ours = {}
    for d in world.sink.messages():
        mm = re.search(r"load (\S+)", d.msg.get("Subject") or "")
        if not mm or not mm.group(1).startswith(run + "-"):
            strangers += 1
            continue
        seen[mm.group(1)] += 1
        ours[mm.group(1)] = d
    dups = sum(n - 1 for n in seen.values() if n > 1)
    missing = [t for t in accepted if t not in seen]
    leaked = [m.token(run) for m in refused if m.token(run) in seen]
    unknown = [t for t in seen if t not in accepted]

    fig["sent"] = len(msgs)
    fig["delivered"] = len(set(seen) & set(accepted))
    fig["refused"] = len(refused)
    fig["deferred_sessions"] = len(stats.deferrals)
    fig["deferred_and_retried"] = sum(1 for m in msgs if m.attempts > 1)
    fig["max_attempts"] = max(m.attempts for m in msgs) if msgs else 0
    fig["lost"] = len(msgs) - fig["delivered"] - fig["refused"]
    fig["duplicates"] = dups
    fig["sessions"] = stats.sessions
    fig["concurrency"] = args.sessions
    fig["duration_s"] = round(t_run, 2)
    fig["msgs_per_s"] = round(len(msgs) / t_run, 1) if t_run > 0 else 0
    fig["reloads"] = chaos.reloads
    fig["broken_reloads"] = chaos.bad_reloads
    fig["restarts"] = chaos.restarts

    if fig["lost"] or by_final.get("gave_up") or by_final.get("error") or by_final.get(None):
        problems.append("lost %d: finals %s" % (fig["lost"], dict(by_final)))
        for m in msgs:
            if m.final not in ("accepted", "refused"):
                problems.append("  %s %s -> %s (%s)" % (m.token(run), m.client, m.final, m.detail))
                break
    if stats.errors:
        problems.append("%d unexpected replies, e.g. %s" % (len(stats.errors), stats.errors[:3]))
    if dups:
        problems.append("%d duplicate deliveries" % dups)
    if missing:
        problems.append("%d accepted messages never reached the sink, e.g. %s"
                        % (len(missing), missing[:3]))
    if leaked:
        problems.append("%d refused messages reached the sink, e.g. %s" % (len(leaked), leaked[:3]))
    if unknown:
        problems.append("%d messages at the sink the client never saw accepted, e.g. %s"
                        % (len(unknown), unknown[:3]))
    if strangers:
        problems.append("%d messages at the sink are not from this run" % strangers)
    if world.mta.queued():
        problems.append("Postfix queue not empty: %s" % world.mta.queued()[:3])

    # Refused exactly on merit.
    wrong_ref = [m for m in refused if not m.client.refused_for(m.rcpt)]
    wrong_acc = [m for m in msgs if m.final == "accepted" and m.client.refused_for(m.rcpt)]
    if wrong_ref:
        problems.append("%d refused without merit, e.g. %s to %s"
                        % (len(wrong_ref), wrong_ref[0].client, wrong_ref[0].rcpt))
    if wrong_acc:
        problems.append("%d accepted from bad clients, e.g. %s to %s"
                        % (len(wrong_acc), wrong_acc[0].client, wrong_acc[0].rcpt))

    # Headers: one of ours each, for the message's own client.
    per_client = collections.defaultdict(set)
    ids = collections.Counter()
    bad_hdr = []
    for tok, d in ours.items():
        m = accepted.get(tok)
        if m is None:
            continue
        sc = d.headers(HEADER)
        ar = [v for v in d.headers("Authentication-Results")
              if v.split(";")[0] in AUTHSERV_IDS]
        f = parse_fields(sc[0]) if len(sc) == 1 else None
        if f is None or len(ar) != 1 or "forged" in sc[0]:
            bad_hdr.append("%s %s: %s=%r A-R=%r" % (tok, m.client, HEADER, sc, ar))
            continue
        ids[ar[0].split(";")[0]] += 1
        if "policy.iprev=%s " % m.client.ip not in ar[0] + " ":
            bad_hdr.append("%s from %s has A-R of another client: %r" % (tok, m.client.ip, ar[0]))
        if m.client.ptr and f[1].get("ptr") != m.client.ptr:
            bad_hdr.append("%s from %s: ptr=%s, want %s" % (tok, m.client.ip, f[1].get("ptr"),
                                                            m.client.ptr))
        per_client[m.client.ip].add((f[0], f[1].get("hits"), f[1].get("iprev"),
                                     f[1].get("action")))
    if bad_hdr:
        problems.append("%d delivered messages with wrong headers, e.g.\n    %s"
                        % (len(bad_hdr), "\n    ".join(bad_hdr[:5])))
    # One client's messages score alike, except that mail to postmaster
    # from a bad client says action=reject and other mail never reaches
    # the sink: per client, one verdict.
    split = {ip: v for ip, v in per_client.items() if len(v) > 1}
    if split:
        problems.append("clients whose messages scored differently: %s"
                        % dict(list(split.items())[:3]))
    fig["authserv_ids_seen"] = dict(ids)
    if chaos.reloads and len(ids) < 2:
        problems.append("reloads did not take effect: authserv_ids seen %s" % dict(ids))

    # 4xx and lost connections only when the milter was gone.
    def in_outage(when, started):
        return any(started <= ready + 0.2 and when >= killed for killed, ready in chaos.outages)
    stray = [d for d in stats.deferrals if not in_outage(d[0], d[1])]
    if stray:
        near = [d for d in stray if any(abs(d[0] - r) < 5 for r in chaos.reload_times)]
        problems.append("%d deferrals outside milter outages (%d within 5 s of a reload), "
                        "e.g. %s" % (len(stray), len(near), [d[2] for d in stray[:5]]))
    for killed, ready in chaos.outages:
        if not any(killed <= d[0] for d in stats.deferrals if d[1] <= ready + 0.2):
            problems.append("the kill at %.1f s was not felt by any session" % (killed - t0))
    fig["outages_s"] = [round(r - k, 2) for k, r in chaos.outages]

    # The milter's own account.
    logs = chaos.old_logs + [world.milter.log]
    text = ""
    for p in logs:
        with open(p, errors="replace") as f:
            text += f.read()
    logged = text.count("configuration reloaded")
    if logged != chaos.reloads:
        problems.append("milter logged %d reloads, %d sent" % (logged, chaos.reloads))
    kept = text.count("keeping the running configuration")
    if kept != chaos.bad_reloads:
        problems.append("milter logged %d refused reloads, %d broken configs sent"
                        % (kept, chaos.bad_reloads))
    if "Sanitizer" in text or "runtime error:" in text:
        problems.append("sanitizer report in the milter log:\n%s" % text[-3000:])
    if not world.milter.alive():
        problems.append("milter not running at the end:\n%s" % world.milter.tail(2000))

    rss = [s[2] for s in sampler.samples]
    fig["rss_kb_min"] = min(rss) if rss else 0
    fig["rss_kb_max"] = max(rss) if rss else 0
    fig["threads_max"] = max(s[3] for s in sampler.samples) if sampler.samples else 0
    ok, text = rss_verdict(sampler.samples)
    fig["rss_flat"] = text
    if args.valgrind:
        fig["rss_flat"] += " (not judged: valgrind's RSS)"
    elif sanitized(args.milter):
        # ASan keeps freed memory in quarantine (and TSan shadows it), so
        # RSS grows without a leak; LeakSanitizer judges leaks there.
        fig["rss_flat"] += " (not judged: %s build)" % sanitized(args.milter)
    elif not ok:
        problems.append("RSS grew: " + text)
    return fig


def sanitized(binary):
    """The sanitizer that changes the milter's memory use, or None."""
    with open(binary, "rb") as f:
        data = f.read()
    for sym, name in ((b"__asan_init", "AddressSanitizer"), (b"__tsan_init", "ThreadSanitizer"),
                      (b"__msan_init", "MemorySanitizer")):
        if sym in data:
            return name
    return None


def rss_timeline(samples, t0, step=10):
    """One 'time:kB' point per step seconds, for the report."""
    out, last = [], None
    for t, _pid, kb, _thr in samples:
        sec = int(t - t0)
        if last is None or sec - last >= step:
            out.append("%d:%d" % (sec, kb))
            last = sec
    return " ".join(out)


def valgrind_verdict(world, rc, problems):
    reports = sorted(f for f in os.listdir(world.dir) if f.startswith("valgrind."))
    if not reports:
        problems.append("no valgrind report in %s" % world.dir)
        return
    for name in reports:
        with open(os.path.join(world.dir, name), errors="replace") as f:
            text = f.read()
        summary = re.findall(r"ERROR SUMMARY: (\d+) errors", text)
        lost = re.findall(r"(definitely|indirectly) lost: ([\d,]+) bytes", text)
        print("valgrind %s: ERROR SUMMARY %s; %s" % (name, summary or "?",
              ", ".join("%s lost %s bytes" % kv for kv in lost) or "no leak summary"))
        if not summary or summary[-1] != "0":
            problems.append("valgrind %s: errors:\n%s" % (name, text[-6000:]))
        elif any(v != "0" for _k, v in lost):
            problems.append("valgrind %s: leaks:\n%s" % (name, text[-6000:]))
    if rc != 0:
        problems.append("milter under valgrind exited with %s" % rc)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--milter", required=True)
    p.add_argument("--messages", type=int, default=1000)
    p.add_argument("--sessions", type=int, default=20)
    p.add_argument("--clients", type=int, default=200)
    p.add_argument("--reloads", type=int, default=1)
    p.add_argument("--bad-reloads", type=int, default=0)
    p.add_argument("--kills", type=int, default=1)
    p.add_argument("--outage", type=float, default=1.0)
    p.add_argument("--valgrind", action="store_true")
    p.add_argument("--rss-period", type=float, default=1.0)
    p.add_argument("--seed", type=int, default=6)
    p.add_argument("--keep", action="store_true")
    args = p.parse_args()
    args.milter = os.path.abspath(args.milter)
    if args.valgrind and not shutil.which("valgrind"):
        print("valgrind is not installed (scripts/deps.sh test)", file=sys.stderr)
        return 1

    run = "r%d" % (time.time() * 1000 % 10**9)
    cls = stories.clients(args.clients)
    batches = make_batches(args.messages, cls, args.seed)
    world = World(args)
    problems = []
    t_setup = time.monotonic()
    try:
        world.start(cls)
    except BaseException:
        world.close(True)
        raise
    print("world up in %.1f s: %s" % (time.monotonic() - t_setup, world.dir), flush=True)
    stats = Stats()
    chaos = Chaos(world.milter, args.reloads, args.kills, args.outage, args.bad_reloads)
    sampler = RssSampler(world.milter, args.rss_period)
    fig = None
    try:
        sampler.start()
        driver = Driver(world.port, run, batches, args.sessions, stats)
        t0 = time.monotonic()
        asyncio.run(driver.run_all(chaos))
        t_run = time.monotonic() - t0
        fig = check(args, world, chaos, batches, stats, sampler, run, t0, t_run, problems)
        sampler.stop()
        fig["rss_timeline_s_kb"] = rss_timeline(sampler.samples, t0,
                                                 max(1, int(t_run / 8)))
        world.mta.stop()
        t = time.monotonic()
        rc = world.stop_milter(300 if args.valgrind else 30)
        fig["milter_stop_s"] = round(time.monotonic() - t, 1)
        if args.valgrind:
            valgrind_verdict(world, rc, problems)
        elif rc != 0:
            problems.append("milter exited with %s on SIGTERM:\n%s" % (rc, world.milter.tail()))
    except BaseException as e:
        problems.append("run aborted: %r" % e)
        raise
    finally:
        sampler.stop()
        if fig:
            for k, v in fig.items():
                print("%s: %s" % (k, v))
        keep = bool(problems) or args.keep or bool(os.environ.get("RDNS_LOAD_KEEP"))
        world.close(keep)
    if problems:
        print("FAILED:\n  " + "\n  ".join(problems), file=sys.stderr)
        return 1
    print("OK: all invariants hold")
    return 0


if __name__ == "__main__":
    sys.exit(main())
