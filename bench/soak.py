"""Load and soak of `sortiectl serve`: many sessions, one WebSocket each, some of them busy, for a
bounded time; serve's memory must stay flat, its file descriptors must not grow, and every byte
relayed must arrive intact.

    python3 bench/soak.py [--seconds 300] [--sessions 1000] [--streams 200] [--binary PATH] [--out FILE] [--smoke]

The stack (everything on loopback, as bench/serve_bench.py builds it): the sandbox API server
(bin/sortie-sandbox), `sortiectl serve --auth none --upstream direct` with Sortie's session limits
and create rate limit off, and, standing in for every session pod's websockify, one asyncio
WebSocket server of this file's (`soak.py _upstream`) listening on 0.0.0.0, which the sandbox's
pod IPs (127.1.x.y) reach.

1. `--sessions` sessions are created through serve's REST API (spread over 100 users) and run.
2. One WebSocket per session is opened through serve's /ws/sessions/{id}; a first exchange on each
   asks the far end which address it was dialled on, which must be that session's pod IP.
3. For `--seconds`, `--streams` of them exchange records at `--rate` a second each: a request of
   16 B to 2 KiB, answered with 64 B to 256 KiB (log-uniform, like VNC input and framebuffer
   updates). Every record is a header (stream, sequence number, sizes, offsets) and a slice of
   a pseudo-random pattern both ends derive from one seed: the far end checks each request, the
   client checks each answer byte for byte. The other sessions' WebSockets stay idle. Every
   `--interval` seconds serve's VmRSS, threads and open descriptors (/proc/PID) are sampled.
4. One more exchange on every WebSocket (the idle ones must still relay), then all are closed,
   and serve's descriptors must return to their baseline.
5. Round 2 (and more with --reopen-rounds): every session's WebSocket is opened again, one
   exchange each, closed (memory and descriptors after it tell reuse from a leak).
6. Byte counts are compared: what the client sent = what the far end received (and serve's
   sortie_websocket_bytes_total to_pod), and the other way round.

Exit status 1 when a byte was corrupted or lost (a mismatch, a connection dropped or stuck, count
mismatch), serve's descriptors (other than its connections to the API server, a pool that comes
and goes) grew during the soak or did not return to their baseline after closing (within
--fd-slack), or serve's RSS grew steadily in the second half of the soak (least-
squares slope above --max-rss-slope MiB/min and more than --rss-noise MiB over that half). The
Markdown report goes to --out (and stdout). Every process started is stopped on exit, also on
error, SIGINT and SIGTERM. Needs websockets (pip). Never asserts a latency."""
import argparse
import asyncio
import concurrent.futures
import contextlib
import json
import math
import os
import platform
import random
import re
import signal
import struct
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from harness import SELECTOR, Report  # noqa: E402
from ws_backend import WS_OPTIONS, announce, cpu_snapshot, open_stream  # noqa: E402

# The record both ends speak, in the binary messages of one WebSocket (treated as a byte stream:
# a proxy may split or join messages). Header: magic, kind, stream, sequence number, request body
# length, reply body length, request pattern offset, reply pattern offset; then the body.
HEADER = struct.Struct(">4sB3xIQIIII")
MAGIC = b"SOAK"
DATA, WHOAMI = 0, 1  # WHOAMI: the reply body is the address the far end was dialled on
PATTERN = random.Random(0x50A4).randbytes(4 << 20)
UP_SIZES = (16, 2048)          # request bodies, uniform
DOWN_SIZES = (64, 256 * 1024)  # reply bodies, log-uniform

MIB = 1024 * 1024


# The far end (a session pod's websockify): `soak.py _upstream`


class UpstreamStats:
    def __init__(self):
        self.open = self.accepted = self.records = self.corrupt = 0
        self.bytes_in = self.verified_in = self.bytes_out = 0
        self.errors = []

    def error(self, text):
        if len(self.errors) < 20:
            self.errors.append(text)

    def dump(self, path):
        with open(path + ".tmp", "w") as f:
            json.dump(vars(self), f)
        os.rename(path + ".tmp", path)


async def upstream_connection(ws, stats, corrupt_every=0):
    """Checks each request record against the pattern and answers it; counts everything.
    `corrupt_every` N > 0 flips a bit in every Nth data reply (to test the soak's own checks)."""
    stats.open += 1
    stats.accepted += 1
    local_ip = ws.local_address[0].encode()
    buf = bytearray()
    try:
        async for message in ws:
            if isinstance(message, str):
                stats.corrupt += 1
                stats.error(f"{local_ip.decode()}: a text message")
                return
            stats.bytes_in += len(message)
            buf += message
            while len(buf) >= HEADER.size:
                magic, kind, stream, seq, body_len, reply_len, body_off, reply_off = HEADER.unpack_from(buf)
                if magic != MAGIC or kind not in (DATA, WHOAMI) or body_off + body_len > len(PATTERN) or reply_off + reply_len > len(PATTERN):
                    stats.corrupt += 1
                    stats.error(f"{local_ip.decode()}: a bad header {bytes(buf[:HEADER.size]).hex()}")
                    return
                end = HEADER.size + body_len
                if len(buf) < end:
                    break
                body = bytes(buf[HEADER.size:end])
                del buf[:end]
                if body != PATTERN[body_off:body_off + body_len]:
                    stats.corrupt += 1
                    stats.error(f"{local_ip.decode()}: stream {stream} record {seq}: request body differs")
                    return
                stats.verified_in += end
                reply = local_ip if kind == WHOAMI else PATTERN[reply_off:reply_off + reply_len]
                out = HEADER.pack(magic, kind, stream, seq, body_len, len(reply), body_off, reply_off) + reply
                if corrupt_every and kind == DATA and reply and (stats.records + 1) % corrupt_every == 0:
                    out = out[:-1] + bytes([out[-1] ^ 1])
                await ws.send(out)
                stats.records += 1
                stats.bytes_out += len(out)
    except Exception as e:  # noqa: BLE001  (a dropped connection: the client side judges)
        stats.error(f"{local_ip.decode()}: {type(e).__name__}: {e}")
    finally:
        stats.open -= 1


async def run_upstream(args):
    from websockets.asyncio.server import serve
    stats = UpstreamStats()
    async with serve(lambda ws: upstream_connection(ws, stats, args.corrupt_every), args.host, args.port, backlog=4096, **WS_OPTIONS) as server:
        announce(args.port_file, server.sockets[0].getsockname()[1])
        while True:
            stats.dump(args.stats_file)
            await asyncio.sleep(0.5)


def upstream_main(argv):
    parser = argparse.ArgumentParser(prog="soak.py _upstream")
    parser.add_argument("--host", default="0.0.0.0")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--stats-file", required=True)
    parser.add_argument("--corrupt-every", type=int, default=0)
    asyncio.run(run_upstream(parser.parse_args(argv)))


# The clients (the browsers)


class Corrupt(Exception):
    """A record came back different from what was expected."""


class Totals:
    def __init__(self):
        self.sent = self.received = self.verified = self.exchanges = 0  # bytes sent, arrived, arrived and checked
        self.corrupt = []  # (session, text)
        self.lost = []     # (session, text): dropped, refused, stuck


class Conn:
    """One session's WebSocket through serve, with its own deterministic record sequence."""

    def __init__(self, index, session, pod_ip, url, totals):
        self.index, self.session, self.pod_ip, self.url, self.totals = index, session, pod_ip, url, totals
        self.rng = random.Random(index)
        self.seq = 0
        self.stream = None
        self.buf = b""
        self.broken = False

    async def recv_until(self, size):
        while len(self.buf) < size:
            message = await self.stream.recv()
            self.totals.received += len(message)
            if isinstance(message, str):
                raise Corrupt("a text message")
            self.buf = message if not self.buf else self.buf + message

    async def exchange(self, kind=DATA, body_len=None, reply_len=None):
        """One record there and its answer back, both checked; returns the reply body."""
        rng = self.rng
        body_len = rng.randint(*UP_SIZES) if body_len is None else body_len
        if reply_len is None:
            lo, hi = DOWN_SIZES
            reply_len = int(lo * (hi / lo) ** rng.random())
        self.seq += 1
        body_off, reply_off = rng.randrange(len(PATTERN) - body_len), rng.randrange(len(PATTERN) - reply_len)
        header = HEADER.pack(MAGIC, kind, self.index, self.seq, body_len, reply_len, body_off, reply_off)
        await self.stream.send(header + PATTERN[body_off:body_off + body_len])
        self.totals.sent += HEADER.size + body_len
        await self.recv_until(HEADER.size)
        got = HEADER.unpack_from(self.buf)
        expected = HEADER.unpack(header)
        if got[:5] + got[6:] != expected[:5] + expected[6:] or (kind == DATA and got[5] != reply_len):
            raise Corrupt(f"record {self.seq}: header {self.buf[:HEADER.size].hex()}, expected {header.hex()}")
        end = HEADER.size + got[5]
        await self.recv_until(end)
        if len(self.buf) > end:
            raise Corrupt(f"record {self.seq}: {len(self.buf) - end} bytes more than asked for")
        reply = self.buf[HEADER.size:]
        self.buf = b""
        if kind == DATA and reply != PATTERN[reply_off:reply_off + reply_len]:
            raise Corrupt(f"record {self.seq}: the {reply_len}-byte reply differs from the pattern")
        self.totals.verified += end
        self.totals.exchanges += 1
        return reply

    async def guarded(self, what, coro):
        """Runs one step, recording a failure against this session (then the connection is out)."""
        try:
            return await coro
        except Corrupt as e:
            self.totals.corrupt.append((self.session, f"{what}: {e}"))
        except (Exception, asyncio.TimeoutError) as e:  # noqa: BLE001
            self.totals.lost.append((self.session, f"{what}: {type(e).__name__}: {e}"))
        self.broken = True
        return None

    async def open(self):
        self.stream = await open_stream(self.url)
        ip = (await self.exchange(WHOAMI, 0, 0)).decode()
        if ip != self.pod_ip:
            raise Corrupt(f"relayed to {ip}, the session's pod is {self.pod_ip}")

    async def busy(self, rate, deadline):
        """Exchanges at `rate` a second (or as fast as it can when behind) until `deadline`."""
        loop = asyncio.get_running_loop()
        due = loop.time() + self.rng.random() / rate  # staggered
        await asyncio.sleep(due - loop.time())
        while loop.time() < deadline and not self.broken:
            if await self.guarded("soak", self.exchange()) is None:
                return
            due += 1 / rate
            delay = due - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            else:
                due = loop.time()


async def close_quietly(conn):
    """Closes a WebSocket (the closing handshake), whatever state it is in."""
    with contextlib.suppress(Exception, asyncio.TimeoutError):
        await asyncio.wait_for(conn.stream.close(), 30)


def abort_all(conns):
    """Drops every connection at once (on the way out after an error or a signal)."""
    for c in conns:
        if c.stream is not None and c.stream.ws.transport is not None:
            c.stream.ws.transport.abort()


async def gather_limited(coros, concurrency):
    gate = asyncio.Semaphore(concurrency)

    async def one(coro):
        async with gate:
            return await coro
    return await asyncio.gather(*(one(c) for c in coros))


# Measuring serve


def proc_status(pid):
    """VmRSS (KiB) and Threads of `pid`."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "Threads"):
            fields[key] = int(value.split()[0])
    return fields["VmRSS"], fields["Threads"]


def fd_kinds(pid, serve_port, pod_port, api_port):
    """serve's open descriptors by kind: sockets of clients (on serve's port, the listener
    included), to the pods, to the API server, and everything else."""
    sockets = {}  # inode -> (local port, remote port)
    for table in ("tcp", "tcp6"):
        with contextlib.suppress(OSError), open(f"/proc/{pid}/net/{table}") as f:
            for line in f.readlines()[1:]:
                fields = line.split()
                sockets[fields[9]] = (int(fields[1].rsplit(":", 1)[1], 16), int(fields[2].rsplit(":", 1)[1], 16))
    kinds = dict(clients=0, pods=0, api=0, other=0)
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            link = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue  # closed meanwhile
        local, remote = sockets.get(link[8:-1], (None, None)) if link.startswith("socket:[") else (None, None)
        kind = "clients" if local == serve_port else "pods" if remote == pod_port else "api" if remote == api_port else "other"
        kinds[kind] += 1
    kinds["total"] = sum(kinds.values())
    kinds["own"] = kinds["total"] - kinds["api"]  # the API client's pool (up to 16 per host) comes and goes
    return kinds


def metrics(url):
    """serve's /metrics as {"name{labels}": value}."""
    with urllib.request.urlopen(url + "/metrics", timeout=30) as response:
        text = response.read().decode()
    values = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            key, _, value = line.rpartition(" ")
            with contextlib.suppress(ValueError):
                values[re.sub(r"\s+", "", key)] = float(value)
    return values


TO_POD = 'sortie_websocket_bytes_total{direction="to_pod"}'
TO_CLIENT = 'sortie_websocket_bytes_total{direction="to_client"}'
WS_OPEN = "sortie_websocket_connections"


class Sampler:
    def __init__(self, serve, totals, pod_port):
        self.serve, self.totals = serve, totals
        self.pid = serve.process.pid
        self.ports = (serve.port, pod_port, urllib.parse.urlsplit(serve.sandbox.url).port)
        self.rows = []

    def fds(self):
        return fd_kinds(self.pid, *self.ports)

    async def take(self, label, t0):
        if self.serve.process.poll() is not None:
            raise RuntimeError(f"serve exited with {self.serve.process.returncode}")
        rss, threads = proc_status(self.pid)
        fds = self.fds()
        try:
            m = await asyncio.to_thread(metrics, self.serve.url)
        except (OSError, urllib.error.URLError):
            m = {}
        row = dict(label=label, t=time.monotonic() - t0, rss=rss, threads=threads, fds=fds, ws=m.get(WS_OPEN),
                   sent=self.totals.sent, received=self.totals.received, exchanges=self.totals.exchanges,
                   to_pod=m.get(TO_POD), to_client=m.get(TO_CLIENT))
        self.rows.append(row)
        print(f"soak: {label:>14} t={row['t']:6.0f}s rss={rss / 1024:7.1f} MiB fds={fds['total']:5d} (api {fds['api']:2d}) threads={threads:3d} "
              f"ws={row['ws'] if row['ws'] is None else int(row['ws'])} exchanges={row['exchanges']} "
              f"MB to clients={row['received'] / 1e6:.1f} errors={len(self.totals.corrupt) + len(self.totals.lost)}",
              file=sys.stderr, flush=True)
        return row


def read_stats(path):
    with contextlib.suppress(OSError, ValueError):
        return json.loads(Path(path).read_text())
    return None


async def wait_until(what, condition, timeout, interval=0.5):
    """Polls `condition` (a coroutine function) until truthy; its last value (falsy on timeout)."""
    deadline = time.monotonic() + timeout
    while True:
        value = await condition()
        if value or time.monotonic() >= deadline:
            return value
        await asyncio.sleep(interval)


# The soak


async def soak(serve, sessions, args, upstream_pid, pod_port, stats_file):
    """Steps 2 to 6 of the module doc; a dict of results."""
    conns = []
    try:
        return await soak_steps(serve, sessions, args, upstream_pid, pod_port, stats_file, conns)
    finally:
        abort_all(conns)  # nothing left once all closed normally


async def soak_steps(serve, sessions, args, upstream_pid, pod_port, stats_file, conns):
    totals = Totals()
    sampler = Sampler(serve, totals, pod_port)
    t0 = time.monotonic()
    conns += [Conn(i, s["id"], s["pod_ip"], f"ws://127.0.0.1:{serve.port}{s['websocket_url']}", totals) for i, s in enumerate(sessions)]
    active, idle = conns[:args.streams], conns[args.streams:]
    res = dict(phases={})

    await asyncio.sleep(1)
    baseline = await sampler.take("baseline", t0)

    start = time.monotonic()
    await gather_limited([c.guarded("open", c.open()) for c in conns], 50)
    res["phases"]["open"] = time.monotonic() - start
    res["opened"] = sum(1 for c in conns if not c.broken)
    await asyncio.sleep(1)
    all_open = await sampler.take("all open", t0)

    watched = {"serve": serve.process.pid, "far end": upstream_pid, "soak client": os.getpid()}
    cpu0, soak_start = cpu_snapshot(watched), time.monotonic()
    deadline = asyncio.get_running_loop().time() + args.seconds
    sent0, received0, exchanges0 = totals.sent, totals.received, totals.exchanges
    busy = {asyncio.create_task(c.busy(args.rate, deadline)): c for c in active if not c.broken}
    soak_rows = [dict(all_open, label="soak")]
    end = soak_start + args.seconds
    for k in range(1, math.ceil(args.seconds / args.interval - 0.05)):  # the last sample is "soak end"
        await asyncio.sleep(max(0.0, soak_start + k * args.interval - time.monotonic()))
        soak_rows.append(await sampler.take("soak", t0))
    await asyncio.sleep(max(0.0, end - time.monotonic()))
    soak_rows.append(await sampler.take("soak end", t0))
    cpu1, soak_end = cpu_snapshot(watched), time.monotonic()
    res["soak_seconds"] = soak_end - soak_start
    res["cpu_percent"] = {n: 100 * (cpu1[n] - cpu0[n]) / (soak_end - soak_start) for n in cpu0}
    res["soak_exchanges"] = totals.exchanges - exchanges0
    res["soak_sent"], res["soak_received"] = totals.sent - sent0, totals.received - received0

    # Streams finish the exchange they are in; one still waiting after the grace period is stuck.
    _, stuck = await asyncio.wait(busy, timeout=args.grace) if busy else (set(), set())
    for task in stuck:
        task.cancel()
        busy[task].broken = True
        totals.lost.append((busy[task].session, f"soak: still waiting for an answer {args.grace:g} s after the soak ended"))
    await asyncio.gather(*stuck, return_exceptions=True)

    # Every WebSocket, busy or idle, must still relay.
    start = time.monotonic()
    survivors = [c for c in conns if not c.broken]
    await gather_limited([c.guarded("final exchange", asyncio.wait_for(c.exchange(DATA, 32, 1024), args.grace)) for c in survivors], 100)
    res["phases"]["final exchange"] = time.monotonic() - start
    res["final_ok"] = sum(1 for c in survivors if not c.broken)
    res["final_idle_ok"] = sum(1 for c in idle if not c.broken)
    res["final_active_ok"] = sum(1 for c in active if not c.broken)
    await sampler.take("before close", t0)

    start = time.monotonic()
    res["serve_closed"], res["far_end_closed"] = await close_all(conns, serve, stats_file)
    res["phases"]["close"] = time.monotonic() - start
    closed = await sampler.take("closed", t0)

    async def fds_back():
        return sampler.fds()["own"] <= baseline["fds"]["own"] + args.fd_slack
    await wait_until("descriptors back", fds_back, args.fd_settle, interval=1)
    settled = await sampler.take("settled", t0)

    # Rounds 2…: every WebSocket again (fresh tickets), one exchange each, closed: memory and
    # descriptors after them tell reuse from a leak.
    async def again(c):
        await c.open()
        await c.exchange(DATA, 32, 1024)
    res["reopened"], res["round_rss"] = [], []
    settled2 = settled
    for round_ in range(2, 2 + args.reopen_rounds):
        urls = {s["id"]: s["websocket_url"] for s in await asyncio.to_thread(serve.api, "GET", "/api/sessions")}
        for c in conns:
            c.stream, c.buf, c.broken = None, b"", False
            c.url = f"ws://127.0.0.1:{serve.port}{urls.get(c.session, '/missing')}"
        start = time.monotonic()
        await gather_limited([c.guarded(f"round {round_}", again(c)) for c in conns], 50)
        res["phases"][f"round {round_} open"] = time.monotonic() - start
        res["reopened"].append(sum(1 for c in conns if not c.broken))
        await asyncio.sleep(1)
        await sampler.take(f"round {round_} open", t0)
        closed2 = await close_all(conns, serve, stats_file)
        res["serve_closed"] = res["serve_closed"] and closed2[0]
        res["far_end_closed"] = res["far_end_closed"] and closed2[1]
        await wait_until("descriptors back", fds_back, args.fd_settle, interval=1)
        settled2 = await sampler.take(f"round {round_} closed", t0)
        res["round_rss"].append(settled2["rss"])

    # Byte counts of all three parties, after everything is closed.
    stats = read_stats(stats_file)
    final_metrics = await asyncio.to_thread(metrics, serve.url)
    res.update(totals=totals, stats=stats, rows=sampler.rows, soak_rows=soak_rows, baseline=baseline, all_open=all_open,
               closed=closed, settled=settled, settled2=settled2,
               serve_to_pod=final_metrics.get(TO_POD), serve_to_client=final_metrics.get(TO_CLIENT))
    return res


async def close_all(conns, serve, stats_file):
    """Closes every WebSocket; (serve counts none open, the far end has none open), each
    awaited up to 60 s, then 1 s for serve to finish closing."""
    await gather_limited([close_quietly(c) for c in conns if c.stream is not None], 200)

    async def serve_closed():
        try:
            return (await asyncio.to_thread(metrics, serve.url)).get(WS_OPEN) == 0
        except OSError:
            return False

    async def far_end_closed():
        stats = read_stats(stats_file)
        return stats is not None and stats["open"] == 0

    closed = await wait_until("serve to close", serve_closed, 60), await wait_until("the far end to close", far_end_closed, 60)
    await asyncio.sleep(1)
    return closed


async def soak_guarded(*a):
    """soak() under SIGINT/SIGTERM handlers that cancel it (closing what it opened) and exit 143."""
    loop = asyncio.get_running_loop()
    task = asyncio.current_task()
    signalled = []
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, lambda s=sig: (signalled.append(s), task.cancel()))
    try:
        return await soak(*a)
    except asyncio.CancelledError:
        if signalled:
            raise SystemExit(128 + signalled[0])
        raise


# Setup


def create_sessions(serve, count, flags):
    """`count` xterm sessions through POST /api/sessions, 16 at a time over 100 users (through
    the CLI when this serve build has no --creates-per-minute to lift its create rate limit)."""
    if "--creates-per-minute" not in flags:
        return serve.create_sessions(count), "the CLI, `sessions create --count`, since this serve build has no --creates-per-minute"

    def one(i):
        for attempt in range(20):
            try:
                return serve.api("POST", "/api/sessions", {"app_id": "xterm", "user_id": f"soak-user-{i % 100:02d}"})["id"]
            except urllib.error.HTTPError as e:
                if e.code not in (429, 503) or attempt == 19:
                    raise RuntimeError(f"POST /api/sessions: {e.code} {e.read().decode(errors='replace')}") from e
                time.sleep(float(e.headers.get("Retry-After") or 1))
    pool = concurrent.futures.ThreadPoolExecutor(16)
    try:
        return list(pool.map(one, range(count))), "serve's REST API, `POST /api/sessions` 16 at a time for 100 users"
    finally:
        pool.shutdown(cancel_futures=True)  # on SIGTERM: no more creates


def running_sessions(serve, ids):
    """The created sessions once all run, each with its pod's IP from the sandbox."""
    wanted = set(ids)

    def ready():
        listed = [s for s in serve.api("GET", "/api/sessions") if s["id"] in wanted and s["status"] == "running"]
        return listed if len(listed) == len(wanted) else None
    deadline = time.monotonic() + max(120, len(ids) / 5)
    while not (listed := ready()):
        if time.monotonic() > deadline:
            raise RuntimeError(f"the {len(ids)} sessions did not all run")
        time.sleep(1)
    pods = json.loads(serve.sandbox.control("GET", f"/api/v1/namespaces/default/pods?labelSelector={SELECTOR}"))
    ips = {p["metadata"]["labels"]["sortie.io/session-id"]: p["status"].get("podIP") for p in pods["items"]}
    for s in listed:
        s["pod_ip"] = ips.get(s["id"])
    if len(set(ips[s["id"]] for s in listed)) != len(listed):
        raise RuntimeError("the sandbox gave two session pods one IP")
    return sorted(listed, key=lambda s: s["id"])


# Verdict and report


def slope_per_minute(points):
    """Least-squares slope of (seconds, value) points, per minute."""
    n = len(points)
    if n < 2:
        return 0.0
    mx, my = sum(t for t, _ in points) / n, sum(v for _, v in points) / n
    sxx = sum((t - mx) ** 2 for t, _ in points)
    return 60 * sum((t - mx) * (v - my) for t, v in points) / sxx if sxx else 0.0


def judge(res, args):
    """(checks, failed): checks are (what, figure, bound, ok)."""
    totals, stats = res["totals"], res["stats"] or {}
    checks = []
    n = args.sessions

    again = "".join(f", {k} in round {i + 2}" for i, k in enumerate(res["reopened"]))
    checks.append(("sessions opened and routed", f"{res['opened']} of {n} WebSockets opened{again}; each reached its own pod's IP",
                   f"all {n}, every round", res["opened"] == n and all(k == n for k in res["reopened"])))
    byte_ok = (totals.sent == stats.get("bytes_in") == stats.get("verified_in") and totals.received == totals.verified == stats.get("bytes_out")
               and stats.get("corrupt") == 0 and not totals.corrupt and not totals.lost)
    serve_counts = (", as serve's sortie_websocket_bytes_total counted" if (res["serve_to_pod"], res["serve_to_client"]) == (totals.sent, totals.received)
                    else " (serve's sortie_websocket_bytes_total differs: see below)")
    checks.append(("bytes intact", f"the clients sent {totals.sent} B and received {totals.received} B, of which {totals.verified} B "
                   f"checked intact ({totals.exchanges} exchanges); the far end received {stats.get('bytes_in', 0)} B ({stats.get('verified_in', 0)} B "
                   f"checked intact) and sent {stats.get('bytes_out', 0)} B{serve_counts}; {len(totals.corrupt) + stats.get('corrupt', 0)} "
                   f"corrupt, {len(totals.lost)} lost", "every byte sent arrived and checked intact, 0 corrupt, 0 lost", byte_ok))
    checks.append(("idle sockets survive", f"{res['final_idle_ok']} of {n - args.streams} idle and {res['final_active_ok']} of "
                   f"{args.streams} busy WebSockets answered a final exchange after {res['soak_seconds']:.0f} s",
                   "all", res["final_ok"] == n))

    soak_rows = res["soak_rows"]
    first, last = soak_rows[0], soak_rows[-1]
    half = first["t"] + (last["t"] - first["t"]) / 2
    second = [(r["t"], r["rss"] / 1024) for r in soak_rows if r["t"] >= half - 0.5]
    slope = slope_per_minute(second)
    rise = slope * (second[-1][0] - second[0][0]) / 60 if len(second) > 1 else 0.0
    res["rss_slope"], res["rss_rise"], res["rss_window"] = slope, rise, (second[0][0], second[-1][0], len(second))
    rss_max = max(r["rss"] for r in soak_rows)
    checks.append(("memory flat", f"VmRSS first {first['rss'] / 1024:.1f} MiB, last {last['rss'] / 1024:.1f} MiB, max "
                   f"{rss_max / 1024:.1f} MiB during the soak; second half ({len(second)} samples, "
                   f"{second[-1][0] - second[0][0]:.0f} s): {slope:+.2f} MiB/min, fitted rise {rise:+.2f} MiB",
                   f"slope ≤ {args.max_rss_slope:g} MiB/min or fitted rise ≤ {args.rss_noise:g} MiB",
                   slope <= args.max_rss_slope or rise <= args.rss_noise))

    own = [r["fds"]["own"] for r in soak_rows]
    api = [r["fds"]["api"] for r in soak_rows]
    checks.append(("no descriptor growth during the soak", f"{own[0]} at the start, {own[-1]} at the end, {max(own)} at most "
                   f"(besides {min(api)}–{max(api)} connections to the API server)", f"at most start + {args.fd_slack}",
                   max(own) - own[0] <= args.fd_slack))
    base, settled, settled2 = res["baseline"]["fds"], res["settled"]["fds"], res["settled2"]["fds"]
    checks.append(("descriptors back after closing", f"{base['own']} before any WebSocket, {res['all_open']['fds']['own']} with "
                   f"all {n} open, {settled['own']} after closing them, {settled2['own']} after the last round (besides {base['api']}, "
                   f"{settled['api']}, {settled2['api']} connections to the API server)",
                   f"≤ baseline + {args.fd_slack} within {args.fd_settle:g} s", max(settled["own"], settled2["own"]) <= base["own"] + args.fd_slack
                   and res["serve_closed"] and res["far_end_closed"]))
    per_ws = (res["all_open"]["rss"] - res["baseline"]["rss"]) / max(1, res["opened"])
    checks.append(("memory after closing (not judged)", f"VmRSS {res['baseline']['rss'] / 1024:.1f} MiB before any WebSocket, "
                   f"{res['all_open']['rss'] / 1024:.1f} MiB with all open ({per_ws:.0f} KiB each), {res['settled']['rss'] / 1024:.1f} MiB "
                   f"after closing them" + "".join(f", {rss / 1024:.1f} MiB after round {i + 2}" for i, rss in enumerate(res["round_rss"])),
                   "—", None))
    return checks, [c for c in checks if c[3] is False]


EXPECTED_LOG = ("AUTHENTICATION IS OFF", "http.path=/readyz")  # --auth none; /readyz polled before serve synced


def serve_log(path):
    """(lines by level, serve's unexpected warning-or-worse lines) from its text log."""
    levels, notable = {}, []
    for line in path.read_text(errors="replace").splitlines():
        words = line.split(" ", 2)
        level = words[1] if len(words) > 2 else "?"
        levels[level] = levels.get(level, 0) + 1
        if level not in ("trace", "debug", "info", "notice") and not any(e in line for e in EXPECTED_LOG):
            notable.append(line)
    return levels, notable


def warnings_of(res):
    """Things that looked wrong in serve but are not what the soak judges."""
    out = []
    totals = res["totals"]
    if res["serve_to_pod"] is not None and (res["serve_to_pod"] != totals.sent or res["serve_to_client"] != totals.received):
        out.append(f"serve's sortie_websocket_bytes_total says {res['serve_to_pod']:.0f} B to_pod / {res['serve_to_client']:.0f} B "
                   f"to_client; the ends counted {totals.sent} / {totals.received} (frame payloads both)")
    if not res["serve_closed"]:
        out.append("serve's sortie_websocket_connections did not return to 0 within 60 s of the clients closing")
    if not res["far_end_closed"]:
        out.append("the far end still had connections open 60 s after the clients closed")
    levels, notable = res.get("serve_log", ({}, []))
    if notable:
        out.append(f"serve logged {len(notable)} unexpected warnings or errors (lines by level: {levels}); the first: "
                   + "; ".join(f"`{line[:300]}`" for line in notable[:5]))
    stats = res["stats"] or {}
    if stats.get("accepted") != res["opened"] + sum(res["reopened"]):
        out.append(f"the far end accepted {stats.get('accepted')} connections for {res['opened'] + sum(res['reopened'])} WebSockets opened in all rounds")
    return out


def report(res, args, checks, failed, created_via, binary, elapsed):
    totals = res["totals"]
    r = Report()
    mb = res["soak_received"] / 1e6
    rows = ["| check | figure | bound | |", "|---|---|---|---|"]
    rows += [f"| {what} | {figure} | {bound} | {'—' if ok is None else 'pass' if ok else '**FAIL**'} |" for what, figure, bound, ok in checks]
    cpu = ", ".join(f"{name} {pct:.0f}%" for name, pct in res["cpu_percent"].items())
    body = (f"{args.sessions} sessions (created through {created_via}), one WebSocket each through serve's `/ws/sessions/{{id}}` "
            f"(opened 50 at a time in {res['phases']['open']:.1f} s, each proving with a first exchange that it reached its own "
            f"pod's IP), {args.streams} of them busy for {res['soak_seconds']:.0f} s and the other {args.sessions - args.streams} "
            f"idle. A busy stream exchanges records at {args.rate:g}/s: a request of {UP_SIZES[0]} B–{UP_SIZES[1] // 1024} KiB "
            f"answered with {DOWN_SIZES[0]} B–{DOWN_SIZES[1] // 1024} KiB (log-uniform), slices of a pseudo-random pattern at "
            f"per-stream pseudo-random offsets, checked byte for byte at both ends. The far end is one asyncio WebSocket server "
            f"(`bench/soak.py _upstream`) on every pod IP, standing in for websockify. Soak traffic: {res['soak_exchanges']} "
            f"exchanges ({res['soak_exchanges'] / res['soak_seconds']:.0f}/s), {res['soak_sent'] / 1e6:.1f} MB to the pods and "
            f"{mb:.1f} MB to the clients ({mb / res['soak_seconds']:.1f} MB/s); CPU meanwhile (share of one core, children "
            f"included): {cpu}. Afterwards one more exchange on every WebSocket, then all closed; then {args.reopen_rounds} more round(s): all "
            f"{args.sessions} opened again (in {', '.join(f'{v:.1f}' for k, v in res['phases'].items() if k.startswith('round'))} s), "
            f"one exchange each, closed. serve: `--auth none --upstream "
            f"direct`, Sortie's session limits off, `{' '.join(args.serve_extra)}`; samples of /proc/PID every {args.interval:g} s.\n\n"
            + "\n".join(rows))
    warnings = warnings_of(res)
    errors = [f"{kind} — {sid}: {text}" for kind, items in (("corrupt", totals.corrupt), ("lost", totals.lost)) for sid, text in items]
    stats = res["stats"] or {}
    errors += [f"far end: {e}" for e in stats.get("errors", [])]
    if errors:
        body += "\n\nErrors (first 20 of each kind):\n\n" + "\n".join(f"* {e}" for e in errors[:40])
    levels, notable = res.get("serve_log", ({}, []))
    body += (f"\n\nserve's log: {sum(levels.values())} lines ({', '.join(f'{k} {v}' for k, v in sorted(levels.items()))}), "
             + (f"{len(notable)} of them unexpected warnings or errors (below)." if notable else
                "no warning or error besides the expected ones (`--auth none`, `/readyz` before the first sync)."))
    if warnings:
        body += "\n\nNoted, not judged:\n\n" + "\n".join(f"* {w}" for w in warnings)
    body += (f"\n\n**{'PASS' if not failed else 'FAIL: ' + ', '.join(c[0] for c in failed)}.** Bounds: every byte checked and "
             f"counted at both ends; serve's descriptors (other than its API-server connections) within {args.fd_slack} of the "
             f"start during the soak and of the baseline {args.fd_settle:g} s after closing; RSS over the second half of the soak: a least-squares slope of at most "
             f"{args.max_rss_slope:g} MiB/min, or a fitted rise of at most {args.rss_noise:g} MiB (below that a short run cannot "
             f"tell growth from allocator noise).")
    r.text(f"serve soak: {args.sessions} sessions, {args.streams} busy streams, {res['soak_seconds']:.0f} s", body)

    lines = ["| phase | t | serve VmRSS | fds | of which clients | pods | API server | other | threads | WebSockets (serve) | exchanges | MB to clients |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for row in res["rows"]:
        ws, fds = "—" if row["ws"] is None else f"{row['ws']:.0f}", row["fds"]
        lines.append(f"| {row['label']} | {row['t']:.0f} s | {row['rss'] / 1024:.1f} MiB | {fds['total']} | {fds['clients']} | {fds['pods']} | "
                     f"{fds['api']} | {fds['other']} | {row['threads']} | {ws} | {row['exchanges']} | {row['received'] / 1e6:.1f} |")
    r.text("serve soak: samples", "t: seconds since the sessions were running. fds: entries in /proc/PID/fd, sorted by what the "
           "socket connects (clients: on serve's port, the listener included; pods: to the pods' port; API server: libcurl's pool "
           "and watches, which come and go, so the descriptor checks leave them out; other: the rest).\n\n" + "\n".join(lines))
    shown = os.path.relpath(binary, ROOT) if binary.startswith(str(ROOT)) else binary
    header = (f"`bench/soak.py{' --smoke' if args.smoke else ''} --seconds {args.seconds:g} --sessions {args.sessions} --streams "
              f"{args.streams}` ran on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} in {elapsed:.0f} s: {os.cpu_count()} "
              f"cores, {platform.platform()}, `{shown}`. Loopback only; the cluster is the sandbox API server.\n")
    return r, header


# Main


def main():
    if sys.argv[1:2] == ["_upstream"]:
        return upstream_main(sys.argv[2:])
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=str(ROOT / ".build/debug/sortiectl"), help="the sortiectl to soak (default: the debug build)")
    parser.add_argument("--out", help="write the Markdown report here too")
    parser.add_argument("--smoke", action="store_true", help="30 s, 100 sessions, 20 streams, samples every 5 s")
    parser.add_argument("--seconds", type=float, help="soak length (default 300; smoke 30)")
    parser.add_argument("--sessions", type=int, help="sessions, one WebSocket each (default 1000; smoke 100)")
    parser.add_argument("--streams", type=int, help="how many of them are busy (default 200; smoke 20)")
    parser.add_argument("--rate", type=float, default=4.0, help="exchanges per second per busy stream (default 4)")
    parser.add_argument("--interval", type=float, help="seconds between samples (default 10; smoke 5)")
    parser.add_argument("--max-rss-slope", type=float, default=1.0, help="MiB/min of RSS growth allowed over the second half (default 1)")
    parser.add_argument("--rss-noise", type=float, default=2.0, help="MiB of fitted rise over the second half always allowed (default 2)")
    parser.add_argument("--fd-slack", type=int, default=4, help="descriptors allowed above the baseline (default 4)")
    parser.add_argument("--fd-settle", type=float, default=30.0, help="seconds allowed for descriptors to return after closing")
    parser.add_argument("--reopen-rounds", type=int, default=1, help="times every WebSocket is opened again after the soak (default 1)")
    parser.add_argument("--grace", type=float, default=60.0, help="seconds an exchange may still take after the soak before it counts as lost")
    parser.add_argument("--corrupt-every", type=int, default=0, help=argparse.SUPPRESS)  # tests the checks: the far end flips bits
    args = parser.parse_args()
    for name, full, smoke in (("seconds", 300.0, 30.0), ("sessions", 1000, 100), ("streams", 200, 20), ("interval", 10.0, 5.0)):
        if getattr(args, name) is None:
            setattr(args, name, smoke if args.smoke else full)
    if not 0 <= args.streams <= args.sessions or args.sessions < 1 or args.rate <= 0 or args.interval <= 0 or args.reopen_rounds < 0:
        parser.error("need 1 ≤ sessions, 0 ≤ streams ≤ sessions, rate > 0, interval > 0 and reopen rounds ≥ 0")
    binary = os.path.abspath(args.binary)

    # serve_bench sets up the stack; its SIGTERM handler unwinds (stopping every process) outside
    # the soak's event loop, soak_guarded() inside it.
    from serve_bench import Processes, announced_port, pod_port, raise_fd_limit, serve_flags, serve_stack
    raise_fd_limit()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    started = time.monotonic()
    flags = serve_flags(binary)
    minutes = math.ceil(args.seconds / 60) + 30
    wanted = [("--creates-per-minute", "0"), ("--max-connections-per-session", "0"),
              ("--ws-idle-timeout", f"{minutes}m"), ("--session-idle-timeout", "0"), ("--session-timeout", str(minutes + 120))]
    args.serve_extra = [word for flag, value in wanted if flag in flags for word in (flag, value)]
    with tempfile.TemporaryDirectory(prefix="sortie-soak-") as work, Processes(work) as processes:
        port_file, stats_file = Path(work) / "upstream.port", Path(work) / "upstream.stats"
        upstream = processes.start("upstream", [sys.executable, str(Path(__file__).resolve()), "_upstream", "--port", str(pod_port(binary)),
                                                "--port-file", str(port_file), "--stats-file", str(stats_file),
                                                "--corrupt-every", str(args.corrupt_every)])
        upstream_port = announced_port(port_file)
        with serve_stack(binary, work, processes, upstream_port, limits="0", extra=args.serve_extra) as serve:
            print(f"soak: creating {args.sessions} sessions", file=sys.stderr, flush=True)
            ids, created_via = create_sessions(serve, args.sessions, flags)
            sessions = running_sessions(serve, ids)
            print(f"soak: {len(sessions)} sessions running after {time.monotonic() - started:.0f} s; soaking", file=sys.stderr, flush=True)
            res = asyncio.run(soak_guarded(serve, sessions, args, upstream.pid, upstream_port, str(stats_file)))
            if serve.process.poll() is not None:
                raise RuntimeError(f"serve exited with {serve.process.returncode}")
        res["serve_log"] = serve_log(Path(work) / "serve.log")
    checks, failed = judge(res, args)
    r, header = report(res, args, checks, failed, created_via, binary, time.monotonic() - started)
    text = "# serve soak\n\n" + header + "\n" + "\n".join(r.sections)
    if args.out:
        Path(args.out).write_text(text)
    print(text)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
