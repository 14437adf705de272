"""The processes at either end of bench/serve_bench.py's WebSocket paths.

Servers (standing in for a session pod):
  backend   a TCP server speaking a VNC-like pull protocol: each 4-byte big-endian request N is
            answered with N bytes, as a VNC client's FramebufferUpdateRequest is answered with an
            update. websockify forwards to it.
  upstream  the same protocol as a WebSocket server (asyncio, one process for any number of
            connections), for the idle-connection benchmark where a forking websockify won't do.
Clients (standing in for browsers):
  streams   opens one WebSocket per URL and measures download throughput, then round trips,
            printing one JSON line.
  hold      opens one WebSocket per URL, proves each relays, prints one JSON line, holds them until
            stdin closes.

Every WebSocket offers the subprotocol `binary` and sends binary frames."""
import argparse
import asyncio
import collections
import json
import os
import sys
import time

from websockets.asyncio.client import connect
from websockets.asyncio.server import serve
from websockets.client import ClientProtocol
from websockets.frames import Frame, Opcode
from websockets.protocol import State
from websockets.typing import Subprotocol
from websockets.uri import parse_uri

PAYLOAD = memoryview(os.urandom(1 << 20))
PULL_CHUNK = 256 * 1024     # bytes asked for by one throughput request
PULL_WINDOW = 2 * PULL_CHUNK  # bytes a stream keeps asked for and not yet received
PING_SIZE = 64              # bytes asked for by one round-trip probe
WS_OPTIONS = dict(subprotocols=[Subprotocol("binary")], compression=None, max_size=None, ping_interval=None)


def request(n):
    """The pull protocol's request for `n` bytes."""
    return n.to_bytes(4, "big")


# Servers


async def backend_connection(reader, writer):
    """Answers each 4-byte request N with N bytes until the peer closes."""
    try:
        while True:
            n = int.from_bytes(await reader.readexactly(4), "big")
            writer.write(PAYLOAD[:n])
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


async def upstream_connection(ws):
    """The pull protocol over a WebSocket: each 4-byte message N is answered with N bytes."""
    async for message in ws:
        await ws.send(PAYLOAD[:int.from_bytes(message[:4], "big")])


async def run_backend(port_file):
    server = await asyncio.start_server(backend_connection, "127.0.0.1", 0, backlog=1024)
    announce(port_file, server.sockets[0].getsockname()[1])
    await server.serve_forever()


async def run_upstream(host, port, port_file):
    async with serve(upstream_connection, host, port, backlog=1024, **WS_OPTIONS) as server:
        announce(port_file, server.sockets[0].getsockname()[1])
        await server.serve_forever()


def announce(port_file, port):
    """Writes the listening port to `port_file` atomically."""
    with open(port_file + ".tmp", "w") as f:
        f.write(str(port))
    os.rename(port_file + ".tmp", port_file)


# Clients


class Stream:
    """A client WebSocket carrying the pull protocol."""

    def __init__(self, ws):
        self.ws = ws

    async def send(self, data):
        await self.ws.send(data)

    async def recv(self):
        return await self.ws.recv()

    async def close(self):
        await self.ws.close()


class TunnelledStream(Stream):
    """A WebSocket to `inner_url` carried inside the binary messages of another WebSocket: how a
    client reaches websockify A through websockify B, whose far side is raw TCP to A."""

    def __init__(self, ws, inner_url):
        super().__init__(ws)
        self.inner = ClientProtocol(parse_uri(inner_url), subprotocols=[Subprotocol("binary")], max_size=None)
        self.frames = collections.deque()

    async def handshake(self):
        self.inner.send_request(self.inner.connect())
        await self.flush()
        while self.inner.state is State.CONNECTING:
            await self.feed()
        if self.inner.handshake_exc:
            raise self.inner.handshake_exc

    async def flush(self):
        data = b"".join(self.inner.data_to_send())
        if data:
            await self.ws.send(data)

    async def feed(self):
        """Reads one outer message and queues the inner frames it completes."""
        self.inner.receive_data(await self.ws.recv())
        for event in self.inner.events_received():
            if isinstance(event, Frame) and event.opcode is Opcode.CLOSE:
                raise ConnectionError("the inner WebSocket closed")
            if isinstance(event, Frame) and event.opcode in (Opcode.BINARY, Opcode.CONT):
                self.frames.append(event.data)
        await self.flush()  # pongs, if any

    async def send(self, data):
        self.inner.send_binary(data)
        await self.flush()

    async def recv(self):
        while not self.frames:
            await self.feed()
        return self.frames.popleft()


async def open_stream(url, inner_url=None):
    ws = await connect(url, proxy=None, open_timeout=60, **WS_OPTIONS)
    if inner_url is None:
        return Stream(ws)
    stream = TunnelledStream(ws, inner_url)
    await stream.handshake()
    return stream


async def open_all(urls, inner_url, concurrency):
    """Opens one stream per URL, at most `concurrency` handshakes at a time."""
    gate = asyncio.Semaphore(concurrency)

    async def one(url):
        async with gate:
            return await open_stream(url, inner_url)
    return await asyncio.gather(*(one(url) for url in urls))


async def round_trip(stream):
    """One probe: ask for PING_SIZE bytes, wait for all of them; seconds."""
    start = time.perf_counter()
    await stream.send(request(PING_SIZE))
    got = 0
    while got < PING_SIZE:
        got += len(await stream.recv())
    return time.perf_counter() - start


class Counter:
    """Bytes the pulling streams received, and whether they should stop asking for more."""

    def __init__(self):
        self.bytes = 0
        self.stopping = False


async def pull(stream, counter):
    """Keeps PULL_WINDOW bytes asked for until told to stop, then drains what is owed."""
    asked = received = 0
    while True:
        while not counter.stopping and asked - received < PULL_WINDOW:
            await stream.send(request(PULL_CHUNK))
            asked += PULL_CHUNK
        if received >= asked:
            return
        n = len(await stream.recv())
        received += n
        counter.bytes += n


async def probe(stream, offset, interval, deadline, rtts):
    """Round trips every `interval` seconds (starting at `offset`) until `deadline`."""
    loop = asyncio.get_running_loop()
    due = loop.time() + offset
    while due < deadline:
        await asyncio.sleep(max(0.0, due - loop.time()))
        rtts.append(await round_trip(stream))
        due += interval


def cpu_seconds(pid):
    """CPU seconds (user + system) used so far by `pid` and its living descendants."""
    ticks = os.sysconf("SC_CLK_TCK")
    parents, used = {}, {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents[int(entry)] = int(fields[1])
            used[int(entry)] = (int(fields[11]) + int(fields[12])) / ticks
    tree, frontier = {pid}, [pid]
    while frontier:
        parent = frontier.pop()
        children = [p for p, pp in parents.items() if pp == parent and p not in tree]
        tree.update(children)
        frontier += children
    return sum(used.get(p, 0.0) for p in tree)


def machine_cpu_seconds():
    """CPU seconds all cores have spent busy since boot (/proc/stat: everything but idle and iowait)."""
    with open("/proc/stat") as f:
        ticks = [int(v) for v in f.readline().split()[1:]]
    return (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")


def cpu_snapshot(watched):
    """CPU seconds so far of each watched process tree and of the whole machine."""
    return {**{name: cpu_seconds(pid) for name, pid in watched.items()}, "whole machine": machine_cpu_seconds()}


def percentile(samples, fraction):
    """Nearest-rank percentile of `samples`."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


async def run_streams(args):
    """Throughput phase (all streams pull flat out), then the latency phase (all streams probe at
    `rate` Hz, staggered). CPU of the watched processes is sampled over the throughput phase."""
    urls = read_lines(args.urls_file)
    streams = await open_all(urls, args.inner_url, 50)
    watched = {name: int(pid) for name, pid in (item.split("=", 1) for item in args.watch)}
    watched["load client"] = os.getpid()

    counter = Counter()
    pulls = [asyncio.create_task(pull(s, counter)) for s in streams]
    await asyncio.sleep(args.warmup)
    cpu0, bytes0, t0 = cpu_snapshot(watched), counter.bytes, time.perf_counter()
    await asyncio.sleep(args.seconds)
    cpu1, bytes1, t1 = cpu_snapshot(watched), counter.bytes, time.perf_counter()
    counter.stopping = True
    await asyncio.gather(*pulls)

    rtts = []
    interval = 1.0 / args.rate
    deadline = asyncio.get_running_loop().time() + args.seconds
    await asyncio.gather(*(probe(s, i * interval / len(streams), interval, deadline, rtts) for i, s in enumerate(streams)))
    await asyncio.gather(*(s.close() for s in streams))
    print(json.dumps({"streams": len(streams), "mb_per_s": (bytes1 - bytes0) / (t1 - t0) / 1e6,
                      "cpu_percent": {n: 100 * (cpu1[n] - cpu0[n]) / (t1 - t0) for n in cpu0},
                      "round_trips": len(rtts), "rtt_ms_p50": 1000 * percentile(rtts, 0.50),
                      "rtt_ms_p99": 1000 * percentile(rtts, 0.99)}), flush=True)


async def run_hold(args):
    """Opens every URL, one round trip on each, reports, and holds them until stdin closes."""
    urls = read_lines(args.urls_file)
    start = time.perf_counter()
    streams = await open_all(urls, None, args.concurrency)
    await asyncio.gather(*(round_trip(s) for s in streams))
    print(json.dumps({"open": len(streams), "seconds": time.perf_counter() - start}), flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    await asyncio.gather(*(s.close() for s in streams))


def read_lines(path):
    with open(path) as f:
        return [line.strip() for line in f if line.strip()]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="role", required=True)
    b = sub.add_parser("backend")
    b.add_argument("--port-file", required=True)
    u = sub.add_parser("upstream")
    u.add_argument("--host", default="127.0.0.1")
    u.add_argument("--port", type=int, default=0)
    u.add_argument("--port-file", required=True)
    s = sub.add_parser("streams")
    s.add_argument("--urls-file", required=True)
    s.add_argument("--inner-url", help="tunnel a WebSocket to this URL inside each stream")
    s.add_argument("--seconds", type=float, default=5.0, help="length of each phase")
    s.add_argument("--warmup", type=float, default=1.0)
    s.add_argument("--rate", type=float, default=20.0, help="round trips per second per stream")
    s.add_argument("--watch", action="append", default=[], help="NAME=PID: report its CPU (and its children's)")
    h = sub.add_parser("hold")
    h.add_argument("--urls-file", required=True)
    h.add_argument("--concurrency", type=int, default=50)
    args = parser.parse_args()
    if args.role == "backend":
        asyncio.run(run_backend(args.port_file))
    elif args.role == "upstream":
        asyncio.run(run_upstream(args.host, args.port, args.port_file))
    elif args.role == "streams":
        asyncio.run(run_streams(args))
    else:
        asyncio.run(run_hold(args))


if __name__ == "__main__":
    main()
