"""Starts `sortiectl serve` in front of the sandbox API server for the reliability tests, plus the
helpers they share: a WebSocket echo server standing in for a session pod's websockify, RSS
readings, and small waiting/probing utilities.

Import it from a test with a sys.path insert (this directory has no conftest.py):

    sys.path.insert(0, os.path.dirname(__file__))
    import serve_support

Pieces:
* ``ServeStack(work, auth="none"|"token")``: the sandbox (bench/sandbox_process.py's
  SandboxProcess, TLS with client certificates) and `.build/debug/sortiectl serve --upstream direct`
  on a free port, with a static-token CSV for ``auth="token"`` (``TOKENS``). ``stack.url``,
  ``stack.pid``, ``stack.rss()``, ``stack.alive()``, ``stack.healthz()``, ``stack.metric(name)``,
  ``stack.headers(user)``, ``stack.create_session()``/``session()``/``ws_url()``.
* ``EchoUpstream(host, port)``: an asyncio `websockets` server in a thread; it answers
  `/websockify` upgrades, echoes every message, and on the text message ``FLOOD`` starts sending
  64 KiB binary frames as fast as the peer takes them (``flood_bytes`` counts what it managed);
  ``STALL`` stops it reading that connection.
* ``stack.running_session(user)``: creates a session through serve, waits until it is running,
  and starts an ``EchoUpstream`` on its pod IP and the upstream port — what `serve --upstream
  direct` connects to (a free port passed as `--upstream-port` when the build has that flag, else
  6080). The sandbox numbers pod IPs from 127.1.0.2 in every instance, so when that address:port
  is taken (another sandbox in a parallel run) it ends the session and tries the next one.
* Raw sockets: ``ws_frame`` (client frames, masked or not, with a declared length that may lie),
  ``raw_upgrade`` (an upgrade request, returns the response head), ``wait_closed``, ``open_fds``;
  ``open_ws``/``echo_roundtrip`` for well-behaved `websockets` clients.
"""
from __future__ import annotations

import asyncio
import csv
import hashlib
import io
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SORTIECTL = ROOT / ".build" / "debug" / "sortiectl"
APPS = ROOT / "examples" / "apps.json"
sys.path.insert(0, str(ROOT / "bench"))
from sandbox_process import SandboxProcess  # noqa: E402

UPSTREAM_PORT = 6080  # websockify's port in a session pod; used when serve has no --upstream-port
# token, user, uid, groups (kube-apiserver static-token CSV).
TOKENS = {
    "alice": ("tok-alice-0123456789", "1001", ["group1", "group2"]),
    "bob": ("tok-bob-0123456789", "1002", ["group1"]),
    "admin": ("tok-admin-0123456789", "1000", ["sortie-admins"]),
}


_HELP = {}


def serve_supports(flag: str) -> bool:
    """Whether this build's `sortiectl serve --help` lists ``flag`` (the tree is being developed)."""
    if "text" not in _HELP:
        _HELP["text"] = subprocess.run([str(SORTIECTL), "serve", "--help"], capture_output=True, text=True,
                                       timeout=60).stdout
    return flag in _HELP["text"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(what, condition, timeout=30.0, interval=0.1):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            value = condition()
        except Exception as error:  # noqa: BLE001 - retried until the deadline
            last, value = error, None
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}" + (f" (last error: {last!r})" if last else ""))


def rss_kib(pid: int) -> int:
    """VmRSS of a process in KiB, from /proc/PID/status."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for {pid}")


def mib(kib: int) -> float:
    return kib / 1024


def write_token_file(path: Path) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
    for user, (token, uid, groups) in TOKENS.items():
        writer.writerow([token, user, uid, ",".join(groups)])
    path.write_text(buffer.getvalue())
    return path


def http(method, url, body=None, headers=None, timeout=10.0):
    """One request: (status, headers with lower-case names, body bytes); 4xx/5xx are returned, not raised."""
    data = json.dumps(body).encode() if isinstance(body, (dict, list)) else body
    request = urllib.request.Request(url, data=data, method=method, headers=dict(headers or {}))
    if isinstance(body, (dict, list)):
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()


class ServeStack:
    """The sandbox plus `sortiectl serve --upstream direct` (see the module docstring)."""

    def __init__(self, work=None, auth="none", ready_delay=0.3, extra_serve_args=()):
        self.own_work = work is None
        self.work = Path(work or tempfile.mkdtemp(prefix="sortie-reliability-"))
        self.work.mkdir(parents=True, exist_ok=True)
        self.auth = auth
        self.ready_delay = ready_delay
        self.extra_serve_args = list(extra_serve_args)
        self.sandbox = None
        self.serve = None
        self.echoes: list[EchoUpstream] = []
        self.log_path = self.work / "serve.log"

    # -- lifecycle ---------------------------------------------------------------------------
    def __enter__(self):
        if not SORTIECTL.exists():
            raise RuntimeError(f"{SORTIECTL} is missing: run `swift build --product sortiectl` first")
        try:
            self.sandbox = SandboxProcess(self.work, tls=True, ready_delay=self.ready_delay).__enter__()
            self._start_serve()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _start_serve(self):
        self.token_file = write_token_file(self.work / "tokens.csv")
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SORTIE_", "KUBECONFIG", "KUBERNETES_"))}
        env.update(KUBECONFIG=self.sandbox.kubeconfig, SORTIE_APPS=str(APPS), SORTIE_NAMESPACE="default")
        # The binary may be relinked under us by a concurrent `swift build`: retry a failed start.
        last = None
        for attempt in range(4):
            self.port = free_port()
            self.url = f"http://127.0.0.1:{self.port}"
            args = [str(SORTIECTL), "serve", "--auth", self.auth, "--address", "127.0.0.1", "--port", str(self.port),
                    "--upstream", "direct", "--no-leader-election", *self.extra_serve_args]
            try:
                # A free port of our own instead of 6080 makes collisions on the pod IPs (which every
                # sandbox numbers alike) unlikely when other test runs share the machine.
                self.upstream_port = free_port() if serve_supports("--upstream-port") else UPSTREAM_PORT
            except (OSError, subprocess.SubprocessError) as error:
                last = error
                _HELP.clear()
                time.sleep(2)
                continue
            if self.upstream_port != UPSTREAM_PORT:
                args += ["--upstream-port", str(self.upstream_port)]
            if self.auth == "token":
                args += ["--token-file", str(self.token_file)]
            log = open(self.log_path, "a")
            try:
                self.serve = subprocess.Popen(args, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                              start_new_session=True)
            except OSError as error:  # ETXTBSY / ENOENT while the linker writes it
                last = error
                log.close()
                time.sleep(2)
                continue
            log.close()
            try:
                wait_for("serve's /readyz", lambda: self.serve.poll() is None and
                         http("GET", self.url + "/readyz", timeout=3)[0] == 200, timeout=60, interval=0.2)
                return
            except AssertionError as error:
                last = error
                self._stop_serve()
                time.sleep(2)
        raise RuntimeError(f"sortiectl serve did not start: {last}; log: {self.log_tail()}")

    def _stop_serve(self):
        if self.serve is None or self.serve.poll() is not None:
            return
        try:
            os.killpg(self.serve.pid, signal.SIGTERM)
            self.serve.wait(timeout=15)
        except (subprocess.TimeoutExpired, ProcessLookupError):
            try:
                os.killpg(self.serve.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.serve.wait()

    def __exit__(self, *exc):
        for echo in self.echoes:
            echo.stop()
        self.echoes.clear()
        self._stop_serve()
        if self.sandbox is not None:
            try:
                self.sandbox.__exit__(None, None, None)
            except Exception:  # noqa: BLE001
                pass
        if self.own_work and not os.environ.get("SORTIE_KEEP_RELIABILITY"):
            shutil.rmtree(self.work, ignore_errors=True)

    # -- observing ---------------------------------------------------------------------------
    @property
    def pid(self) -> int:
        return self.serve.pid

    def alive(self) -> bool:
        return self.serve is not None and self.serve.poll() is None

    def rss(self) -> int:
        return rss_kib(self.pid)

    def log_tail(self, lines=40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def metric(self, name, labels="") -> float | None:
        """One sample of serve's /metrics (e.g. ``sortie_websocket_connections``), or None."""
        status, _, body = http("GET", self.url + "/metrics", timeout=10)
        if status != 200:
            return None
        for line in body.decode(errors="replace").splitlines():
            if line.startswith(name + (labels or "")) and (line[len(name):][:1] in (" ", "{") or labels):
                try:
                    return float(line.rsplit(" ", 1)[1])
                except ValueError:
                    return None
        return None

    def headers(self, user="alice") -> dict:
        if self.auth == "token":
            return {"Authorization": f"Bearer {TOKENS[user][0]}"}
        return {}

    def healthz(self, timeout=10.0) -> bool:
        status, _, body = http("GET", self.url + "/healthz", timeout=timeout)
        return status == 200 and json.loads(body).get("status") == "ok"

    # -- sessions ----------------------------------------------------------------------------
    def create_session(self, app="xterm", user="alice"):
        status, _, body = http("POST", self.url + "/api/sessions", {"app_id": app, "user_id": user},
                               headers=self.headers(user))
        assert status == 201, f"create: HTTP {status} {body[:300]!r}"
        return json.loads(body)

    def session(self, session_id, user="alice"):
        status, _, body = http("GET", f"{self.url}/api/sessions/{session_id}", headers=self.headers(user))
        assert status == 200, f"get: HTTP {status} {body[:300]!r}"
        return json.loads(body)

    def delete_session(self, session_id, user="alice"):
        return http("DELETE", f"{self.url}/api/sessions/{session_id}", headers=self.headers(user))[0]

    def pod_ip(self, pod_name):
        raw = self.sandbox.control("GET", f"/api/v1/namespaces/default/pods/{pod_name}")
        return (json.loads(raw).get("status") or {}).get("podIP")

    def running_session(self, user="alice", app="xterm", attempts=8):
        """A running session with an ``EchoUpstream`` on its pod IP:upstream port → (session, echo)."""
        last = None
        for _ in range(attempts):
            created = self.create_session(app, user)
            running = wait_for(f"session {created['id']} to run", lambda: (lambda s: s if s["status"] == "running" else None)(
                self.session(created["id"], user)), timeout=30, interval=0.1)
            ip = wait_for("the pod IP", lambda: self.pod_ip(running["pod_name"]), timeout=10)
            try:
                echo = EchoUpstream(ip, self.upstream_port).start()
            except OSError as error:  # that IP:6080 belongs to someone else's sandbox: next pod
                last = error
                self.delete_session(created["id"], user)
                continue
            self.echoes.append(echo)
            running["pod_ip"] = ip
            return running, echo
        raise RuntimeError(f"could not bind an echo upstream on any pod IP:{self.upstream_port}: {last}")

    def ws_url(self, session, user="alice"):
        """The session's WebSocket URL (with its ticket when auth is on), as ws://."""
        fresh = self.session(session["id"], user)
        return "ws://127.0.0.1:%d%s" % (self.port, fresh["websocket_url"])


class EchoUpstream:
    """websockify's stand-in: echoes messages (those over 1 MiB are answered with the text
    "LENGTH SHA256" instead); ``FLOOD`` starts an endless stream of 64 KiB frames; ``STALL`` makes
    it stop reading that connection."""

    FRAME = 64 * 1024
    ECHO_LIMIT = 1 << 20

    def __init__(self, host, port):
        self.host, self.port = host, port
        self.flood_bytes = 0
        self.connections = 0
        self.closed_connections = 0
        self.loop = asyncio.new_event_loop()
        self.thread = None
        self.server = None

    def start(self):
        import websockets.asyncio.server as ws_server

        async def handler(connection):
            self.connections += 1
            flood = None
            try:
                async for message in connection:
                    if message == "FLOOD":
                        flood = asyncio.ensure_future(self._flood(connection))
                    elif message == "STALL":  # stop reading: serve must push back on its client
                        await connection.wait_closed()
                    elif len(message) > self.ECHO_LIMIT:
                        # Bigger than serve's 1 MiB frame limit towards the client: answer a digest.
                        data = message.encode() if isinstance(message, str) else message
                        await connection.send(f"{len(data)} {hashlib.sha256(data).hexdigest()}")
                    else:
                        await connection.send(message)
            except Exception:  # noqa: BLE001 - hostile peers end connections any way they like
                pass
            finally:
                if flood:
                    flood.cancel()
                self.closed_connections += 1

        async def make():
            return await ws_server.serve(handler, self.host, self.port, max_size=None, compression=None,
                                         max_queue=4, close_timeout=1, subprotocols=["binary"], select_subprotocol=lambda _c, offered: (
                                             "binary" if "binary" in offered else None),
                                         ping_interval=None)

        # Bind in this thread so a taken address raises here.
        self.server = self.loop.run_until_complete(make())
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True, name=f"echo-{self.host}")
        self.thread.start()
        return self

    async def _flood(self, connection):
        chunk = os.urandom(self.FRAME)
        try:
            while True:
                await connection.send(chunk)
                self.flood_bytes += len(chunk)
        except Exception:  # noqa: BLE001
            pass

    def stop(self):
        if self.thread is None:
            return

        async def shutdown():
            self.server.close()
            try:
                await asyncio.wait_for(self.server.wait_closed(), 5)
            except Exception:  # noqa: BLE001
                pass
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        try:
            asyncio.run_coroutine_threadsafe(shutdown(), self.loop).result(15)
        except Exception:  # noqa: BLE001
            pass
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)
        self.thread = None
        if not self.loop.is_running():
            self.loop.close()


def echo_roundtrip(connection, sizes=(1, 125, 126, 65_535, 65_536, 300_000), timeout=20.0) -> int:
    """Sends random binary messages on an open `websockets.sync` connection and checks each comes
    back byte for byte; returns the bytes echoed."""
    total = 0
    for size in sizes:
        payload = os.urandom(size)
        connection.send(payload)
        answer = connection.recv(timeout=timeout)
        assert answer == payload, f"a {size}-byte message came back changed ({len(answer)} bytes)"
        total += size
    return total


def open_ws(url, headers=None, **kwargs):
    """A `websockets.sync` client connection offering the `binary` subprotocol (as noVNC does)."""
    from websockets.sync.client import connect
    return connect(url, additional_headers=headers or {}, subprotocols=["binary"], max_size=None,
                   compression=None, open_timeout=15, close_timeout=5, **kwargs)


# -- raw sockets ---------------------------------------------------------------------------------
def ws_frame(payload: bytes, opcode=0x2, fin=True, masked=True, declared_length=None) -> bytes:
    """One WebSocket frame as a client sends it (masked); ``declared_length`` lies about the size."""
    length = len(payload) if declared_length is None else declared_length
    head = bytes([(0x80 if fin else 0) | opcode])
    mask_bit = 0x80 if masked else 0
    if length < 126:
        head += bytes([mask_bit | length])
    elif length < 1 << 16:
        head += bytes([mask_bit | 126]) + length.to_bytes(2, "big")
    else:
        head += bytes([mask_bit | 127]) + length.to_bytes(8, "big")
    if not masked:
        return head + payload
    key = os.urandom(4)
    return head + key + mask(payload, key)


def mask(payload: bytes, key: bytes) -> bytes:
    if not payload:
        return b""
    repeated = (key * (len(payload) // 4 + 1))[:len(payload)]
    return (int.from_bytes(payload, "big") ^ int.from_bytes(repeated, "big")).to_bytes(len(payload), "big")


def raw_upgrade(port, path, headers=None, timeout=15.0, rcvbuf=None):
    """Opens a TCP connection, sends a WebSocket upgrade for ``path`` and reads the response head.
    Returns (socket, status, head text, bytes read past the head)."""
    sock = socket.socket()
    if rcvbuf:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    sock.settimeout(timeout)
    sock.connect(("127.0.0.1", port))
    key = __import__("base64").b64encode(os.urandom(16)).decode()
    lines = [f"GET {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Upgrade: websocket", "Connection: Upgrade",
             f"Sec-WebSocket-Key: {key}", "Sec-WebSocket-Version: 13", "Sec-WebSocket-Protocol: binary"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    text = head.decode(errors="replace")
    status = int(text.split(" ", 2)[1]) if text.startswith("HTTP/") else 0
    return sock, status, text, rest


def wait_closed(sock, timeout) -> tuple[str, int, float]:
    """Reads (and discards) until the peer closes or ``timeout`` passes.
    Returns ("closed" | "reset" | "open", bytes read, seconds)."""
    started = time.monotonic()
    deadline = started + timeout
    received = 0
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return "open", received, time.monotonic() - started
        sock.settimeout(left)
        try:
            chunk = sock.recv(1 << 16)
        except socket.timeout:
            return "open", received, time.monotonic() - started
        except OSError:
            return "reset", received, time.monotonic() - started
        if not chunk:
            return "closed", received, time.monotonic() - started
        received += len(chunk)


def open_fds(pid) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))
