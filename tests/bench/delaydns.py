#!/usr/bin/env python3
"""
NAME
    delaydns - a DNS forwarder on loopback that answers every query late

DESCRIPTION
    DelayDNS(upstream, delay_ms) listens on 127.0.0.1:<free port> (UDP and
    TCP), forwards each query to upstream at once and sends the upstream's
    answer back delay_ms after the query arrived: a resolver that is
    delay_ms away. It is the benchmark's stand-in for the test fixture's
    FaultDNS(mode="delay"), which spends a thread per query and, on two
    shared cores, cannot keep up with a few thousand queries a second
    without adding delay of its own: this one is one asyncio loop in one
    thread, a timer per query. .late counts answers sent more than 5 ms
    after their due time, so the benchmark can show the delay stayed true.

    Context manager; .port, .resolver ("127.0.0.1:PORT"), .late, .answered.

CLI
    python3 delaydns.py --upstream 127.0.0.1:PORT --delay-ms 20
        prints "resolver 127.0.0.1:PORT", runs until SIGTERM or SIGINT.
"""

import asyncio
import os
import signal
import socket
import struct
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "dns"))
import dnsfixture  # noqa: E402


class _Udp(asyncio.DatagramProtocol):
    """Client side: queries in, delayed answers out. Each query gets a
    fresh upstream id; answers are matched back by it."""

    def __init__(self, owner):
        self.o = owner
        self.transport = None

    def connection_made(self, transport):
        self.transport = transport

    def datagram_received(self, data, addr):
        if len(data) < 12:
            return
        o = self.o
        o.next_id = (o.next_id + 1) & 0xFFFF
        uid = o.next_id
        o.pending[uid] = (data[:2], addr, time.monotonic() + o.delay)
        o.up.transport.sendto(struct.pack("!H", uid) + data[2:])


class _Up(asyncio.DatagramProtocol):
    def __init__(self, owner):
        self.o = owner
        self.transport = None

    def connection_made(self, transport):
        self.transport = transport

    def datagram_received(self, data, addr):
        if len(data) < 12:
            return
        o = self.o
        uid = struct.unpack("!H", data[:2])[0]
        p = o.pending.pop(uid, None)
        if p is None:
            return
        qid, peer, due = p
        reply = qid + data[2:]
        o.loop.call_at(o.loop.time() + max(0.0, due - time.monotonic()),
                       o.send_udp, reply, peer, due)


class DelayDNS:
    def __init__(self, upstream, delay_ms, addr="127.0.0.1"):
        host, port = upstream.rsplit(":", 1)
        self.upstream = (host, int(port))
        self.delay = delay_ms / 1000.0
        self.addr = addr
        self.port = 0
        self.resolver = ""
        self.late = 0
        self.answered = 0
        self.pending = {}
        self.next_id = 0
        self.loop = None
        self._thread = None
        self._ready = threading.Event()
        self._stop = None

    def send_udp(self, reply, peer, due):
        if time.monotonic() - due > 0.005:
            self.late += 1
        self.answered += 1
        self.down.transport.sendto(reply, peer)

    async def _tcp_client(self, reader, writer):
        try:
            while True:
                hdr = await reader.readexactly(2)
                q = await reader.readexactly(struct.unpack("!H", hdr)[0])
                due = time.monotonic() + self.delay
                ur, uw = await asyncio.open_connection(*self.upstream)
                uw.write(hdr + q)
                await uw.drain()
                n = struct.unpack("!H", await ur.readexactly(2))[0]
                a = await ur.readexactly(n)
                uw.close()
                await asyncio.sleep(max(0.0, due - time.monotonic()))
                self.answered += 1
                writer.write(struct.pack("!H", len(a)) + a)
                await writer.drain()
        except (asyncio.IncompleteReadError, OSError):
            pass
        finally:
            writer.close()

    async def _main(self):
        self.loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        self.port = dnsfixture.free_port(self.addr)
        _, self.down = await self.loop.create_datagram_endpoint(
            lambda: _Udp(self), local_addr=(self.addr, self.port))
        self.down.transport.get_extra_info("socket").setsockopt(
            socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
        _, self.up = await self.loop.create_datagram_endpoint(
            lambda: _Up(self), remote_addr=self.upstream)
        server = await asyncio.start_server(self._tcp_client, self.addr, self.port)
        self.resolver = "%s:%d" % (self.addr, self.port)
        self._ready.set()
        await self._stop.wait()
        server.close()
        self.down.transport.close()
        self.up.transport.close()

    def start(self):
        self._thread = threading.Thread(target=lambda: asyncio.run(self._main()), daemon=True)
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("delaydns did not start")
        return self

    def stop(self):
        if self.loop is not None and self._stop is not None:
            self.loop.call_soon_threadsafe(self._stop.set)
            self._thread.join(5)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def main(argv):
    import argparse
    ap = argparse.ArgumentParser(prog="delaydns.py")
    ap.add_argument("--upstream", required=True)
    ap.add_argument("--delay-ms", type=int, default=20)
    a = ap.parse_args(argv)
    done = threading.Event()
    for s in (signal.SIGTERM, signal.SIGINT):
        signal.signal(s, lambda *_: done.set())
    with DelayDNS(a.upstream, a.delay_ms) as d:
        print("resolver %s" % d.resolver, flush=True)
        while not done.is_set():
            done.wait(0.5)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
