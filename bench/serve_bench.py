"""The `sortiectl serve` benchmarks, written as Markdown in bench/harness.py's style:

1. WebSocket proxy throughput and round-trip latency over many concurrent streams, serve beside
   websockify alone ("direct") and beside websockify standing in for serve as the proxy.
2. serve's memory per idle session WebSocket (VmRSS before and after opening them).
3. The REST API (create, list, get) under 50 concurrent wrk connections, and a check that no
   created session is lost or doubled.

Everything runs on loopback against the sandbox API server (bin/sortie-sandbox); the processes at
the far ends are bench/ws_backend.py's. Every process started here is stopped at the end, also on
error. Benchmarks never fail on a number. Needs websockify and wrk (apt), websockets (pip)."""
import argparse
import collections
import contextlib
import ctypes
import json
import os
import platform
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from harness import SELECTOR, Report, interleave, summary  # noqa: E402
from sandbox_process import SandboxProcess  # noqa: E402
from ws_backend import cpu_snapshot  # noqa: E402

WS_BACKEND = [sys.executable, str(ROOT / "bench/ws_backend.py")]
APPS = str(ROOT / "examples/apps.json")
POD_PORT = 6080  # serve's upstream port when it has no --upstream-port flag


# Processes


class Processes:
    """Starts helper processes, each in its own process group with a log file, and stops every
    group on exit (TERM, then KILL), also when the benchmark fails."""

    def __init__(self, work):
        self.work = Path(work)
        self.started = []
        self.logs = []

    def start(self, name, args, **kwargs):
        log = open(self.work / f"{name}.log", "w")
        self.logs.append(log)
        process = subprocess.Popen(args, stdout=kwargs.pop("stdout", log), stderr=log, stdin=kwargs.pop("stdin", subprocess.DEVNULL),
                                   start_new_session=True, preexec_fn=die_with_parent, **kwargs)
        self.started.append(process)
        return process

    def __enter__(self):
        return self

    def __exit__(self, kind, *_):
        for process in reversed(self.started):
            stop(process)
        for log in self.logs:
            log.close()
            if kind is not None and issubclass(kind, Exception):  # the work directory is about to go: show the ends
                tail = Path(log.name).read_text(errors="replace").splitlines()[-5:]
                print(f"--- {Path(log.name).name}", *tail, sep="\n", file=sys.stderr)


def die_with_parent():
    """In the child before exec: SIGTERM when the benchmark dies, even by SIGKILL (PR_SET_PDEATHSIG)."""
    ctypes.CDLL(None).prctl(1, signal.SIGTERM)


def stop(process):
    """TERM the process group, then KILL what is left of it (nothing once the leader is reaped:
    its id may have been reused)."""
    if process.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, None)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_is_free(port):
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the listeners do: TIME_WAIT leftovers don't count
        try:
            s.bind(("0.0.0.0", port))
            return True
        except OSError:
            return False


def wait_for(what, condition, timeout=60.0, interval=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise RuntimeError(f"timed out waiting for {what}")


def can_connect(port):
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
        return True
    return False


def announced_port(path):
    """The port a ws_backend.py server wrote to `path`, once it is there."""
    return int(wait_for(f"{path.name}", lambda: path.exists() and path.read_text()))


def proc_status(pid, field):
    """A number from /proc/PID/status, e.g. VmRSS (KiB) or Threads."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} for {pid}")


def raise_fd_limit():
    """Children inherit it: serve and the clients hold two descriptors per idle WebSocket."""
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


# The cluster and serve


def serve_flags(binary):
    """The flags `serve --help` lists (newer builds have --upstream-port)."""
    text = subprocess.run([binary, "serve", "--help"], capture_output=True, text=True).stdout
    return {word.rstrip(",") for word in text.split() if word.startswith("--")}


def pod_port(binary):
    """A port for what listens in the session pods: any free one when serve takes --upstream-port,
    else 6080, which must then be free."""
    if "--upstream-port" in serve_flags(binary):
        return free_port()
    if not port_is_free(POD_PORT):
        raise RuntimeError(f"this serve build always dials port {POD_PORT} in the pod, and it is taken")
    return POD_PORT


class Serve:
    """`sortiectl serve --auth none --upstream direct` in front of a sandbox cluster, whose pods
    get loopback IPs 127.1.x.y: serve reaches whatever listens on 0.0.0.0:upstream_port there."""

    def __init__(self, binary, sandbox, process, port, env):
        self.binary, self.sandbox, self.process, self.port, self.env = binary, sandbox, process, port, env
        self.url = f"http://127.0.0.1:{port}"

    def ready(self):
        """serve answers /readyz (its session cache has synced); raises if it exited."""
        if self.process.poll() is not None:
            raise RuntimeError(f"serve exited with {self.process.returncode}")
        try:
            return self.api("GET", "/readyz") is not None
        except (OSError, ValueError):
            return False

    def api(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.url + path, data=data, method=method, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=60) as response:
            return json.load(response)

    def create_sessions(self, count):
        """Creates `count` xterm sessions through the CLI (one user; no serve rate limit)."""
        out = subprocess.run([self.binary, "sessions", "create", "xterm", "--count", str(count), "-q", "--qps", "1000", "--burst", "1000"],
                             env=self.env, check=True, capture_output=True, text=True).stdout
        return out.split()

    def running_sessions(self, count):
        """Waits until serve lists at least `count` running sessions; returns them."""
        def running():
            sessions = [s for s in self.api("GET", "/api/sessions") if s["status"] == "running"]
            return sessions if len(sessions) >= count else None
        return wait_for(f"{count} running sessions", running, timeout=120, interval=0.5)

    def websocket_urls(self, count):
        """The sessions' `websocket_url`s as given (with a fresh ticket when auth is on)."""
        return [f"ws://127.0.0.1:{self.port}{s['websocket_url']}" for s in self.running_sessions(count)]

    def metric(self, name):
        """A value from serve's /metrics (the first series of `name`), or None."""
        with urllib.request.urlopen(self.url + "/metrics", timeout=10) as response:
            for line in response.read().decode().splitlines():
                if line.split("{")[0].split(" ")[0] == name:
                    return float(line.split()[-1])
        return None

    def pod_session_ids(self):
        """Session ids of the sandbox's session pods (the cluster's truth), with repeats."""
        pods = json.loads(self.sandbox.control("GET", f"/api/v1/namespaces/default/pods?labelSelector={SELECTOR}"))
        return [p["metadata"]["labels"]["sortie.io/session-id"] for p in pods["items"]]


@contextlib.contextmanager
def serve_stack(binary, work, processes, upstream_port, limits="0", extra=(), name="serve"):
    """A sandbox (pods Ready 0.2 s after creation) and serve; `limits` sets Sortie's session limits,
    `extra` adds serve flags, `name` names the log and the sandbox's directory."""
    (Path(work) / name).mkdir()
    with SandboxProcess(Path(work) / name, tls=True, ready_delay=0.2) as sandbox:
        env = dict(os.environ, KUBECONFIG=sandbox.kubeconfig, SORTIE_APPS=APPS, SORTIE_NAMESPACE="default",
                   SORTIE_MAX_SESSIONS=limits, SORTIE_MAX_SESSIONS_PER_USER=limits, SORTIE_USER="bench")
        port = free_port()
        args = [binary, "serve", "--auth", "none", "--address", "127.0.0.1", "--port", str(port), "--upstream", "direct", "--apps", APPS, *extra]
        if "--upstream-port" in serve_flags(binary):
            args += ["--upstream-port", str(upstream_port)]
        process = processes.start(name, args, env=env)
        try:
            serve = Serve(binary, sandbox, process, port, env)
            wait_for("serve /readyz", serve.ready)
            yield serve
        finally:
            stop(process)  # before the sandbox goes


# 1. Throughput and latency


def run_streams(processes, name, urls, work, watched, args, inner_url=None):
    """One run of ws_backend.py's `streams` client over `urls`; its JSON result."""
    urls_file = Path(work) / f"{name}.urls"
    urls_file.write_text("\n".join(urls) + "\n")
    cmd = [*WS_BACKEND, "streams", "--urls-file", str(urls_file), "--seconds", str(args.seconds), "--rate", str(args.rate),
           *(f"--watch={n}={p.pid}" for n, p in watched.items()), *(["--inner-url", inner_url] if inner_url else [])]
    client = processes.start(f"client-{name}", cmd, stdout=subprocess.PIPE)
    out, _ = client.communicate(timeout=300)
    if client.returncode != 0:
        raise RuntimeError(f"the {name} client failed")
    return json.loads(out)


def bench_streams(report, binary, args):
    """Throughput and round trips over `args.streams` WebSockets on three paths, interleaved."""
    with tempfile.TemporaryDirectory() as work, Processes(work) as processes:
        backend, backend_port = start_backend(processes, work)
        port = pod_port(binary)
        pod = processes.start("websockify-pod", ["websockify", f"0.0.0.0:{port}", f"127.0.0.1:{backend_port}"])
        proxy_port = free_port()
        proxy = processes.start("websockify-proxy", ["websockify", f"127.0.0.1:{proxy_port}", f"127.0.0.1:{port}"])
        wait_for("websockify", lambda: can_connect(port) and can_connect(proxy_port))
        with serve_stack(binary, work, processes, port) as serve:
            serve.create_sessions(args.streams)
            serve.running_sessions(args.streams)
            watched = {"serve": serve.process, "websockify (pod)": pod, "websockify (proxy)": proxy, "backend": backend}
            pod_url = f"ws://127.0.0.1:{port}/websockify"
            paths = [
                ("direct", lambda: run_streams(processes, "direct", [pod_url] * args.streams, work, watched, args)),
                ("serve", lambda: run_streams(processes, "serve", serve.websocket_urls(args.streams), work, watched, args)),
                ("websockify as the proxy", lambda: run_streams(processes, "proxy", [f"ws://127.0.0.1:{proxy_port}/websockify"] * args.streams,
                                                                work, watched, args, inner_url=pod_url)),
            ]
            results = interleave(args.reps, paths)
    report_streams(report, results, args)


def start_backend(processes, work):
    """The TCP backend; (process, port)."""
    port_file = Path(work) / "backend.port"
    process = processes.start("backend", [*WS_BACKEND, "backend", "--port-file", str(port_file)])
    return process, announced_port(port_file)


def report_streams(report, results, args):
    report_throughput(report, results, args)
    report_latency(report, results, args)
    report_cpu(report, results)


def median_of(runs, key):
    return statistics.median(r[key] for r in runs)


def report_throughput(report, results, args):
    n = args.streams
    report.table(f"serve WebSocket proxy: throughput, {n} concurrent streams",
                 f"Each stream pulls a VNC-like download: it keeps two 256 KiB requests outstanding and a TCP backend "
                 f"(bench/ws_backend.py) answers each with 256 KiB, for {args.seconds:g} s after 1 s of warm-up; the figure is "
                 f"the payload all {n} streams received per second. One client process (Python, `websockets`), one "
                 f"WebSocket per stream, subprotocol `binary`. Paths, all in front of the same backend:\n\n"
                 f"* **direct**: client → websockify (the pod's, forking one process per connection) → backend.\n"
                 f"* **serve**: client → `sortiectl serve --upstream direct` (`/ws/sessions/{{id}}`, one session per stream) "
                 f"→ that websockify at the sandbox pod's IP → backend.\n"
                 f"* **websockify as the proxy**: client → a second websockify in serve's place → that websockify → backend. "
                 f"websockify's far side is raw TCP, so the client speaks the inner WebSocket to the pod's websockify "
                 f"through it (a WebSocket inside the outer one's binary messages); the one-hop alternative, client → "
                 f"websockify → backend, would be the direct path again.\n\n"
                 f"{args.reps} interleaved repetitions; every process shares this machine's {os.cpu_count()} cores, so a "
                 f"path's figure is bounded by the CPU all its hops need together (see the CPU table below).",
                 [(name, summary([r["mb_per_s"] for r in runs]), "MB/s") for name, runs in results.items()],
                 "serve ≥ 0.8× direct and ≥ 2× websockify as the proxy")
    ratio = median_of(results["serve"], "mb_per_s") / median_of(results["websockify as the proxy"], "mb_per_s")
    report.sections[-1] += f"\nserve / websockify as the proxy: {ratio:.2f}× (medians).\n"


def report_latency(report, results, args):
    n = args.streams
    direct_p99 = [r["rtt_ms_p99"] for r in results["direct"]]
    rows = ["| path | p50 (median) | p99 min | p99 median | p99 max | added p99 vs direct (median of per-repetition differences) |",
            "|---|---:|---:|---:|---:|---:|"]
    for name, runs in results.items():
        p99 = summary([r["rtt_ms_p99"] for r in runs])
        added = statistics.median(r["rtt_ms_p99"] - d for r, d in zip(runs, direct_p99))
        rows.append(f"| {name} | {median_of(runs, 'rtt_ms_p50'):.3f} ms | {p99[0]:.3f} ms | {p99[1]:.3f} ms | {p99[2]:.3f} ms | {added:+.3f} ms |")
    report.text(f"serve WebSocket proxy: round-trip latency, {n} active streams",
                f"After each throughput run, on the same {n} connections: every stream asks for 64 bytes and waits for them, "
                f"{args.rate:g} times a second (staggered: {n * args.rate:g} round trips/s in all, about "
                f"{median_of(results['direct'], 'round_trips'):.0f} per run), for {args.seconds:g} s: all streams active, none "
                f"saturated, as interactive VNC sessions are. Times include the Python client's own scheduling, alike on "
                f"every path.\n\n" + "\n".join(rows) + "\n\nGoal: < 1 ms added p99 latency (serve vs direct) at 100 active streams.")


def report_cpu(report, results):
    names = list(results["direct"][0]["cpu_percent"])
    rows = ["| path | " + " | ".join(names) + " |", "|---" * (len(names) + 1) + "|"]
    for name, runs in results.items():
        rows.append(f"| {name} | " + " | ".join(f"{statistics.median(r['cpu_percent'][p] for r in runs):.0f}%" for p in names) + " |")
    # CPU seconds the proxy hop spends per GB it relays: comparable however busy the machine was.
    cost = {proxy: statistics.median(10 * r["cpu_percent"][process] / r["mb_per_s"] for r in results[proxy])
            for proxy, process in (("serve", "serve"), ("websockify as the proxy", "websockify (proxy)"))}
    report.text("serve WebSocket proxy: CPU during the throughput runs",
                "Median share of one core used by each process (with its children: websockify forks one per connection) "
                f"while the streams pulled, from /proc/PID/stat; 100% = one core, {100 * os.cpu_count()}% = the whole "
                "machine, whose column counts every process on it, other users' too.\n\n" + "\n".join(rows)
                + f"\n\nCPU the proxy hop spends per GB relayed (median): serve {cost['serve']:.2f} s, websockify as the proxy "
                f"{cost['websockify as the proxy']:.2f} s: serve needs {cost['serve'] / cost['websockify as the proxy']:.2f}× websockify's CPU per byte.")


# 2. Idle WebSockets


def bench_idle(report, binary, args):
    """serve's VmRSS before, with `args.idle` idle session WebSockets open and after closing them,
    twice (the second round tells reuse from a leak)."""
    n = args.idle
    with tempfile.TemporaryDirectory() as work, Processes(work) as processes:
        port_file = Path(work) / "upstream.port"
        requested = pod_port(binary)
        processes.start("upstream", [*WS_BACKEND, "upstream", "--host", "0.0.0.0", "--port", str(requested), "--port-file", str(port_file)])
        with serve_stack(binary, work, processes, announced_port(port_file)) as serve:
            serve.create_sessions(n)
            urls_file = Path(work) / "idle.urls"
            urls_file.write_text("\n".join(serve.websocket_urls(n)) + "\n")
            time.sleep(1)
            samples = [("before (the sessions running, no WebSocket)", sample(serve))]
            for round_ in (1, 2):
                opened = hold_open(processes, serve, urls_file, n, samples, f"round {round_}")
    before, during = samples[0][1][0], samples[1][1][0]
    rows = ["| | serve VmRSS | threads |", "|---|---:|---:|", *(f"| {what} | {rss / 1024:.1f} MiB | {threads} |" for what, (rss, threads) in samples),
            f"| **per WebSocket (round 1 open − before)** | **{(during - before) / n:.1f} KiB** | |"]
    report.text(f"serve: {n} concurrent idle session WebSockets",
                f"{n} sessions, one WebSocket each, opened through serve (at most 50 handshakes at a time, "
                f"{opened:.1f} s for all, one 64-byte round trip on each to prove the relay is up), then left idle; closed, "
                f"and the same again. Upstream: one asyncio WebSocket server (bench/ws_backend.py) on the pods' port, since "
                f"websockify forks a process per connection. Memory is /proc/PID/status VmRSS, 1 s after the last open or "
                f"close.\n\n" + "\n".join(rows) + "\n\nGoal: < 64 KiB per connection.")


def sample(serve):
    """(VmRSS KiB, threads) of serve."""
    return proc_status(serve.process.pid, "VmRSS"), proc_status(serve.process.pid, "Threads")


def hold_open(processes, serve, urls_file, n, samples, label):
    """Opens a WebSocket per URL (ws_backend.py hold), samples serve, closes them, samples again;
    the seconds opening took."""
    holder = processes.start(f"holder-{label.replace(' ', '-')}", [*WS_BACKEND, "hold", "--urls-file", str(urls_file)],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    opened = json.loads(holder.stdout.readline() or "{}")
    if opened.get("open") != n:
        raise RuntimeError(f"the holder opened {opened.get('open')} of {n} WebSockets")
    time.sleep(1)
    samples.append((f"{label}: {n} open (serve counts {serve.metric('sortie_websocket_connections'):.0f})", sample(serve)))
    holder.stdin.close()
    holder.wait(timeout=60)
    wait_for("serve to close the WebSockets", lambda: serve.metric("sortie_websocket_connections") == 0, timeout=30)
    time.sleep(1)
    samples.append((f"{label}: closed", sample(serve)))
    return opened["seconds"]


# 3. REST


WRK_SCRIPT = r"""
-- serve_bench.py's wrk script. BENCH_MODE: create, list or get (BENCH_IDS: comma-separated ids).
local mode = os.getenv("BENCH_MODE")
local ids = {}
for id in string.gmatch(os.getenv("BENCH_IDS") or "", "[^,]+") do ids[#ids + 1] = id end
local threads = {}
statuses, created, n = {}, {}, 0

function setup(thread)
  threads[#threads + 1] = thread
  thread:set("tid", #threads)
end

function request()
  n = n + 1
  if mode == "create" then
    local body = string.format('{"app_id":"xterm","user_id":"rest-%d-%d"}', tid, n)
    return wrk.format("POST", "/api/sessions", {["Content-Type"] = "application/json"}, body)
  elseif mode == "get" then
    return wrk.format("GET", "/api/sessions/" .. ids[n % #ids + 1])
  end
  return wrk.format("GET", "/api/sessions")
end

function response(status, headers, body)
  statuses[tostring(status)] = (statuses[tostring(status)] or 0) + 1
  if mode == "create" and status == 201 then
    created[#created + 1] = string.match(body, '"id"%s*:%s*"([^"]+)"')
  end
end

function done(summary, latency, requests)
  local counts, all = {}, {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do counts[status] = (counts[status] or 0) + count end
    for _, id in ipairs(thread:get("created")) do all[#all + 1] = '"' .. id .. '"' end
  end
  local parts = {}
  for status, count in pairs(counts) do parts[#parts + 1] = string.format('"%s":%d', status, count) end
  local e = summary.errors
  io.write(string.format('JSON {"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"socket_errors":%d,"statuses":{%s},"created":[%s]}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout, table.concat(parts, ","), table.concat(all, ",")))
end
"""


def wrk(serve, script, mode, seconds, ids=()):
    """One wrk run (1 thread, 50 connections): requests/s, p50/p99 (µs), statuses, created ids, and
    the CPU share of serve, the sandbox and the whole machine meanwhile."""
    env = dict(os.environ, BENCH_MODE=mode, BENCH_IDS=",".join(ids))
    watched = {"serve": serve.process.pid, "sandbox": serve.sandbox.proc.pid}
    cpu0, start = cpu_snapshot(watched), time.perf_counter()
    out = subprocess.run(["wrk", "-t1", "-c50", f"-d{seconds}s", "--timeout", "30s", "-s", str(script), serve.url],
                         env=env, check=True, capture_output=True, text=True).stdout
    cpu1, elapsed = cpu_snapshot(watched), time.perf_counter() - start
    result = json.loads(next(line[5:] for line in out.splitlines() if line.startswith("JSON ")))
    result["per_s"] = result["requests"] / (result["duration_us"] / 1e6)
    result["cpu_percent"] = {name: 100 * (cpu1[name] - cpu0[name]) / elapsed for name in cpu0}
    return result


# Create configurations: (row label, Sortie's session limits, extra serve flags, stack name).
FAST = ("--qps", "1000", "--burst", "1000")
CREATE_SETUPS = [
    ("defaults: quota check, --qps 50 --burst 300", "1000000", (), "serve"),
    (f"quota check, {' '.join(FAST)}", "1000000", FAST, "serve-fast"),
    (f"no limits, no quota check, {' '.join(FAST)}", "0", FAST, "serve-nolimits"),
]


def bench_rest(report, binary, args):
    """list and get (interleaved), then creates in each of CREATE_SETUPS (interleaved), each under
    50 connections, checking every create run for losses."""
    title = "serve REST API under 50 concurrent clients"
    if not shutil.which("wrk"):
        report.text(title, "Not measured: wrk is not installed (apt-get install wrk).")
        return
    with tempfile.TemporaryDirectory() as work, Processes(work) as processes, contextlib.ExitStack() as stack:
        script = Path(work) / "rest.lua"
        script.write_text(WRK_SCRIPT)
        setups = CREATE_SETUPS[:1] if args.smoke else CREATE_SETUPS
        stacks = {label: stack.enter_context(serve_stack(binary, work, processes, free_port(), limits=limits, extra=extra, name=name))
                  for label, limits, extra, name in setups}
        serve = stacks[CREATE_SETUPS[0][0]]
        ids = reset(serve, args.listed)
        runs = interleave(args.rest_reps, [
            (f"GET /api/sessions ({args.listed} sessions)", lambda: wrk(serve, script, "list", args.rest_seconds)),
            ("GET /api/sessions/{id}", lambda: wrk(serve, script, "get", args.rest_seconds, ids)),
        ])
        runs.update(interleave(args.rest_reps, [(f"POST /api/sessions — {label}", lambda s=s: create_run(s, script, args))
                                                for label, s in stacks.items()]))
    rows = ["| request | req/s min | req/s median | req/s max | p50 (median) | p99 min | p99 median | p99 max | non-2xx | CPU: serve | sandbox | machine |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for name, results in runs.items():
        rate, p99 = summary([r["per_s"] for r in results]), summary([r["p99_us"] / 1000 for r in results])
        bad = sum(c for r in results for s, c in r["statuses"].items() if not s.startswith("2")) + sum(r["socket_errors"] for r in results)
        cpu = " | ".join(f"{statistics.median(r['cpu_percent'][p] for r in results):.0f}%" for p in ("serve", "sandbox", "whole machine"))
        rows.append(f"| {name} | {rate[0]:.0f} | {rate[1]:.0f} | {rate[2]:.0f} | {median_of(results, 'p50_us') / 1000:.2f} ms | "
                    f"{p99[0]:.2f} ms | {p99[1]:.2f} ms | {p99[2]:.2f} ms | {bad} | {cpu} |")
    report.text(title,
                f"wrk, one thread, 50 keep-alive connections, {args.rest_seconds} s per run, {args.rest_reps} runs each, interleaved "
                f"(list with get, then the creates). serve `--auth none`; reads from a serve whose Sortie session limits are set "
                f"high. Creates: each run starts from {args.listed} running sessions and uses a new `user_id` per request (serve "
                f"allows 10 creates per user per minute), in up to three serve setups side by side: the defaults (limits on but too "
                f"high to refuse, so the quota check runs as in production; the API client's token bucket, `--qps`/`--burst`, "
                f"refills between runs), a raised client rate limit, and no session limits at all (no quota check). CPU: share "
                f"of one core during the run, medians; the machine column counts every process on it, other users' too. The "
                f"sandbox API server (Python, one process) behind serve makes pods Ready after 0.2 s.\n\n"
                + "\n".join(rows) + "\n\n" + loss_summary([r for name, rs in runs.items() if name.startswith("POST") for r in rs]))


def reset(serve, count):
    """Deletes every pod, then creates `count` running sessions; their ids."""
    serve.sandbox.delete_all_pods()
    wait_for("serve to forget the deleted sessions", lambda: not serve.api("GET", "/api/sessions"), timeout=60, interval=0.2)
    ids = serve.create_sessions(count)
    serve.running_sessions(count)
    return ids


def create_run(serve, script, args):
    """One wrk run of creates from `args.listed` sessions, with its loss check."""
    reset(serve, args.listed)
    made_before = serve.metric(CREATES) or 0
    result = wrk(serve, script, "create", args.rest_seconds)
    result["problems"], result["made"] = loss_check(serve, args.listed, made_before, result["created"])
    return result


CREATES = "sortie_session_create_seconds_count"  # serve's count of successful creates


def loss_check(serve, preexisting, made_before, answered):
    """Every session serve created exists exactly once as a pod and once in GET /api/sessions;
    (problems, sessions serve created).

    wrk stops with up to 50 creates in flight, whose answers it never reads: serve's own count of
    creates includes them, so the ids wrk saw answered 201 (`answered`) are a subset."""
    def settled():
        snapshot = (serve.metric(CREATES), len(serve.pod_session_ids()))
        time.sleep(0.5)
        return snapshot if snapshot == (serve.metric(CREATES), len(serve.pod_session_ids())) else None
    made = int(wait_for("serve to finish the last creates", settled, timeout=60)[0] - made_before)
    pods = collections.Counter(serve.pod_session_ids())
    listed = collections.Counter(s["id"] for s in serve.api("GET", "/api/sessions"))
    problems = [f"{len(answered) - len(set(answered))} ids answered twice"] if len(set(answered)) != len(answered) else []
    for where, counts in (("the pods", pods), ("GET /api/sessions", listed)):
        missing = [i for i in answered if counts[i] != 1]
        if missing:
            problems.append(f"{len(missing)} answered sessions not exactly once in {where}")
        if sum(counts.values()) != preexisting + made or max(counts.values()) != 1:
            problems.append(f"{where} hold {sum(counts.values())} entries ({len(counts)} distinct), expected {preexisting + made}")
    if set(pods) != set(listed):
        problems.append("the pods and GET /api/sessions disagree")
    return problems, made


def loss_summary(creates):
    """One sentence over every create run's loss check."""
    problems = [p for r in creates for p in r["problems"]]
    if problems:
        return "**Lost or doubled**: " + "; ".join(problems) + "."
    made, answered = sum(r["made"] for r in creates), sum(len(r["created"]) for r in creates)
    return (f"**Nothing lost** in {len(creates)} create runs: serve created {made} sessions ({answered} answered 201 before wrk "
            f"stopped, the rest were in flight then), and after each run every one of them was exactly one pod in the sandbox "
            f"and one entry in GET /api/sessions, with nothing else there but the sessions the run started from.")


# Main


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", required=True, help="the sortiectl to measure")
    parser.add_argument("--out", required=True, help="the Markdown report")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, well under a minute")
    parser.add_argument("--append", action="store_true", help="append to --out (e.g. BENCHMARKS.md) instead of replacing it")
    parser.add_argument("--reps", type=int, help="repetitions (default 5, at most 3 for REST; smoke 1)")
    parser.add_argument("--only", choices=["streams", "idle", "rest"], action="append", help="run only these (repeatable)")
    args = parser.parse_args()
    smoke = args.smoke
    args.streams, args.idle, args.listed = (3, 20, 10) if smoke else (100, 1000, 100)
    reps, args.seconds, args.rate, args.rest_seconds = (1, 1.0, 20.0, 2) if smoke else (5, 5.0, 20.0, 10)
    args.reps = args.reps or reps
    args.rest_reps = min(args.reps, 3)
    binary = os.path.abspath(args.binary)
    raise_fd_limit()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # unwind, stopping every process started

    report = Report()
    started = time.monotonic()
    for name, bench in (("streams", bench_streams), ("idle", bench_idle), ("rest", bench_rest)):
        if not args.only or name in args.only:
            bench(report, binary, args)
    shown = os.path.relpath(binary, ROOT) if binary.startswith(str(ROOT)) else binary
    header = (f"`bench/serve_bench.py{' --smoke' if smoke else ''}` ran on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} "
              f"in {time.monotonic() - started:.0f} s: {os.cpu_count()} cores, {platform.platform()}, `{shown}`. "
              f"Loopback only; the cluster is the sandbox API server. Benchmarks never fail on a number.\n")
    if args.append:
        with open(args.out, "a") as f:
            f.write("\n## `sortiectl serve`\n\n" + header + "\n" + "\n".join(report.sections))
    else:
        report.write(args.out, "# serve benchmarks\n\n" + header)
    print(Path(args.out).read_text())


if __name__ == "__main__":
    main()
