"""Helpers for the CLI-side reliability tests (bad input, secrets in logs, serve kill/restart, chaos).

Import it from a test with a sys.path insert (this directory has no conftest.py):

    sys.path.insert(0, os.path.dirname(__file__))
    import cli_support as cs

Pieces:
* ``run_cli(args, env)``: runs `.build/debug/sortiectl` (args may be bytes, for non-UTF-8), with a
  hard timeout that kills the process group; returns a ``Result``. A start that fails because the
  binary is being relinked by a concurrent `swift build` is retried once.
* ``problems(result, ...)``: what is wrong with a failing invocation: a crash (signal, exit >= 128,
  "Fatal error", Swift runtime failure, a backtrace), a hang, an undocumented exit code, no message
  on stderr, a raw Foundation error dump, or a flood of output.
* ``command_tree()`` / ``parse_help(text)``: every leaf command with its arguments and options,
  read from `sortiectl ... --help` (so nothing is hard-coded).
* ``Sandbox``: bench/sandbox_process.py's ``SandboxProcess`` plus in-process control calls (faults,
  restart, pod failure, pod listing) over its TLS client certificate.
* ``Serve``: `sortiectl serve` on a free port with a log file; ``kill()`` (SIGKILL) and ``start()``
  again on the same port.
* ``EchoServer``: a WebSocket echo server standing in for a session pod's websockify (with
  ``rfb=True`` it first plays a minimal RFB server, enough for `connect --probe`); start the
  sandbox with ``--forward 6080=127.0.0.1:PORT`` so port-forwards reach it.
* ``make_ca_pem()``: an unrelated CA, for "wrong CA" kubeconfigs; ``session_pod_summary(pod)``.

Crashes are detected without the symbolicated backtrace (``SWIFT_BACKTRACE=enable=no`` in
``clean_env``: ~5 s of CPU per crash otherwise); set SORTIE_TEST_BACKTRACE=1 to keep it.
"""
from __future__ import annotations

import dataclasses
import json
import os
import re
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SORTIECTL = ROOT / ".build" / "debug" / "sortiectl"
APPS = ROOT / "examples" / "apps.json"
MAN = ROOT / "man"
sys.path.insert(0, str(ROOT / "bench"))
from sandbox_process import SandboxProcess  # noqa: E402
from serve_support import free_port, http, wait_for  # noqa: E402,F401  (one implementation for both support modules)

# The exit codes documented in README.md / ErrorPresenter.swift for a failure.
DOCUMENTED_FAILURES = {1, 2, 3, 4, 5, 6, 7, 64}
CRASH_MARKERS = ("Fatal error", "Swift runtime failure", "Program crashed", "Thread 0 crashed", "Backtrace",
                 "Stack dump", "Segmentation fault", "Illegal instruction", "Current stack trace",
                 "SIGSEGV", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS")
FOUNDATION_DUMPS = ("Error Domain=", "UserInfo=", "NSUnderlyingError", "NSCocoaErrorDomain")
SESSION_SELECTOR = "app.kubernetes.io/managed-by=sortie,app.kubernetes.io/component=session"


def skip_reason() -> str | None:
    return None if SORTIECTL.exists() else f"{SORTIECTL} is missing: run `swift build --product sortiectl` first"


# -- running the CLI ---------------------------------------------------------------------------

@dataclasses.dataclass
class Result:
    args: list
    code: int | None
    stdout: bytes
    stderr: bytes
    seconds: float
    timed_out: bool

    @property
    def out(self) -> str:
        return self.stdout.decode("utf-8", "replace")

    @property
    def err(self) -> str:
        return self.stderr.decode("utf-8", "replace")

    def describe(self, limit=400) -> str:
        shown = [a if isinstance(a, str) else repr(a) for a in self.args[1:]]
        shown = [s if len(s) < 80 else s[:60] + f"...({len(s)} chars)" for s in shown]
        err = self.err
        err = err if len(err) <= limit else err[:limit] + f"...({len(err)} chars)"
        return f"sortiectl {' '.join(shown)} -> exit {self.code}{' (TIMED OUT)' if self.timed_out else ''} " \
               f"in {self.seconds:.1f}s; stderr: {err.strip()!r}"


def clean_env(home: Path | str, **extra) -> dict:
    """An environment with nothing of the user's: own HOME, no KUBECONFIG/SORTIE_*/XDG_*."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("XDG_", "KUBECONFIG", "SORTIE_", "KUBERNETES_", "EDITRC", "SESSION_", "POD_READY"))}
    env.update({"HOME": str(home), "USER": "tester", "TERM": "dumb", "NO_COLOR": "1",
                "KUBECONFIG": str(Path(home) / "no-kubeconfig"), "SORTIE_APPS": str(APPS)})
    # A crash still shows its "Fatal error" line and signal; the symbolicated backtrace takes ~5 s
    # of two shared cores per crash. SORTIE_TEST_BACKTRACE=1 keeps it.
    if not os.environ.get("SORTIE_TEST_BACKTRACE"):
        env["SWIFT_BACKTRACE"] = "enable=no"
    env.update({k: str(v) for k, v in extra.items()})
    return env


def run_cli(args, env: dict, timeout: float = 30.0, stdin: bytes | None = None, cwd=None,
            as_nobody: bool = False, running_marker: bytes | None = None, grace: float = 1.5) -> Result:
    """Runs sortiectl with `args` (str or bytes items); never raises for a failing or hanging command.

    With `running_marker`, a process whose stderr shows the marker (e.g. serve's "listening on")
    and is still alive `grace` seconds later is stopped and reported as `timed_out` with
    `seconds` < `timeout` (it was running, as intended, rather than hanging)."""
    argv = [str(SORTIECTL), *args]
    if as_nobody:
        argv = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *argv]
    for attempt in range(2):
        start = time.monotonic()
        built = _binary_stamp()
        try:
            process = subprocess.Popen(argv, env=env, cwd=cwd, stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
                                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
        except OSError:  # ETXTBSY / ENOENT while a concurrent `swift build` relinks the binary
            if attempt == 0:
                time.sleep(3)
                continue
            raise
        if running_marker is None:
            try:
                out, err = process.communicate(stdin, timeout=timeout)
                timed_out = False
            except subprocess.TimeoutExpired:
                _kill_group(process)
                out, err = process.communicate()
                timed_out = True
        else:
            out, err, timed_out = _watch(process, stdin, timeout, running_marker, grace)
        code = process.returncode
        # exec failures of a binary being rewritten show up as 126/127 from setpriv or the kernel
        if attempt == 0 and not timed_out and code in (126, 127) and not out:
            time.sleep(3)
            continue
        # a crash while the binary was being replaced says nothing about sortiectl: run it again
        if attempt == 0 and code is not None and code < 0 and _binary_stamp() != built:
            time.sleep(3)
            continue
        return Result(argv[argv.index(str(SORTIECTL)):], None if timed_out else code, out, err,
                      time.monotonic() - start, timed_out)
    raise AssertionError("unreachable")


def _binary_stamp():
    try:
        st = SORTIECTL.stat()
        return st.st_mtime_ns, st.st_size, st.st_ino
    except OSError:
        return None


def _watch(process, stdin, timeout, marker, grace):
    chunks = {"out": [], "err": []}

    def pump(stream, key):
        for block in iter(lambda: stream.read1(65536), b""):
            chunks[key].append(block)

    threads = [threading.Thread(target=pump, args=(process.stdout, "out"), daemon=True),
               threading.Thread(target=pump, args=(process.stderr, "err"), daemon=True)]
    for t in threads:
        t.start()
    if process.stdin:
        try:
            process.stdin.write(stdin or b"")
            process.stdin.close()
        except OSError:
            pass
    deadline = time.monotonic() + timeout
    seen_at = None
    timed_out = False
    while process.poll() is None:
        now = time.monotonic()
        if seen_at is None and marker in b"".join(chunks["err"]):
            seen_at = now
        if (seen_at is not None and now - seen_at >= grace) or now >= deadline:
            timed_out = True
            _kill_group(process)
            break
        time.sleep(0.05)
    process.wait()
    for t in threads:
        t.join(timeout=5)
    return b"".join(chunks["out"]), b"".join(chunks["err"]), timed_out


def _kill_group(process: subprocess.Popen):
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def crash_reason(result: Result) -> str | None:
    if result.code is not None and (result.code < 0 or result.code >= 128):
        return f"killed by a signal / crashed (exit {result.code})"
    text = result.err + result.out[-20000:]
    for marker in CRASH_MARKERS:
        if marker in text:
            return f"crash marker {marker!r} in the output"
    return None


def problems(result: Result, codes=None, allow_success=False, max_stderr=64 * 1024, max_lines=12,
             must_mention=None) -> list[str]:
    """What is wrong with the outcome of a bad invocation (empty list: nothing)."""
    found = []
    codes = DOCUMENTED_FAILURES if codes is None else set(codes)
    if result.timed_out:
        return [f"hung (no exit within {result.seconds:.0f} s)"]
    crash = crash_reason(result)
    if crash:
        found.append(crash)
    if result.code == 0:
        if not allow_success:
            found.append("exit 0 for bad input")
        return found
    if result.code not in codes:
        found.append(f"exit {result.code}, expected one of {sorted(codes)}")
    err = result.err.strip()
    if not err:
        found.append("no message on stderr")
    if len(result.stderr) > max_stderr:
        found.append(f"stderr is {len(result.stderr)} bytes (a flood, not a message)")
    elif err.count("\n") + 1 > max_lines:
        found.append(f"stderr has {err.count(chr(10)) + 1} lines")
    for dump in FOUNDATION_DUMPS:
        if dump in result.err:
            found.append(f"raw Foundation error in the message ({dump!r})")
            break
    if must_mention and not any(m in result.err for m in ([must_mention] if isinstance(must_mention, str) else must_mention)):
        found.append(f"the message does not mention {must_mention!r}")
    return found


def run_parallel(cases, worker, jobs=6):
    """Runs worker(case) for every case on a thread pool; returns the results in order."""
    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(worker, cases))


# -- the command tree from --help ------------------------------------------------------------

@dataclasses.dataclass
class Option:
    names: list[str]          # e.g. ["-o", "--output"]
    metavar: str | None       # None for a flag
    values: list[str]         # "(values: a, b)" when listed
    default: str | None
    help: str

    @property
    def name(self) -> str:
        return next((n for n in self.names if n.startswith("--")), self.names[0])

    @property
    def numeric(self) -> bool:
        return self.default is not None and re.fullmatch(r"-?\d+(\.\d+)?", self.default) is not None


@dataclasses.dataclass
class Command:
    path: list[str]
    usage: str
    arguments: list[str]      # every positional, in order
    required: list[str]       # the positionals USAGE does not bracket
    options: list[Option]
    help: str

    @property
    def name(self) -> str:
        return " ".join(self.path)

    def option(self, name) -> Option | None:
        return next((o for o in self.options if name in o.names), None)


_HELP_CACHE: dict = {}


def help_text(path) -> str:
    key = tuple(path)
    if key not in _HELP_CACHE:
        result = run_cli([*path, "--help"], clean_env("/nonexistent"), timeout=30)
        assert result.code == 0, result.describe()
        _HELP_CACHE[key] = result.out
    return _HELP_CACHE[key]


def _sections(text: str) -> dict[str, list[str]]:
    sections, current = {}, None
    for line in text.splitlines():
        header = re.fullmatch(r"([A-Z][A-Z ]*):\s*(.*)", line)
        if header:
            current = header.group(1)
            sections.setdefault(current, [])
            if header.group(2):
                sections[current].append(header.group(2))
        elif current:
            sections[current].append(line)
    return sections


def parse_help(path, text: str) -> Command:
    sections = _sections(text)
    usage = " ".join(l.strip() for l in sections.get("USAGE", []) if l.strip())
    arguments = []
    for line in sections.get("ARGUMENTS", []):
        m = re.match(r"  <([\w-]+)>", line)
        if m:
            arguments.append(m.group(1))
    unbracketed = usage
    while re.search(r"\[[^\[\]]*\]", unbracketed):
        unbracketed = re.sub(r"\[[^\[\]]*\]", "", unbracketed)
    required = [a for a in arguments if f"<{a}>" in unbracketed]
    options: list[Option] = []
    for title, lines in sections.items():
        if not title.endswith("OPTIONS"):
            continue
        current = None
        for line in lines:
            m = re.match(r"  (-[\w-]+(?:, -[\w-]+)*)(?: <([\w-]+)>)?(?:\s+(.*))?$", line)
            if m and not line.startswith("   "):
                names = [n.strip() for n in m.group(1).split(",")]
                current = Option(names, m.group(2), [], None, m.group(3) or "")
                options.append(current)
            elif current is not None and line.strip():
                current.help += " " + line.strip()
        for option in options:
            values = re.search(r"\(values: ([^;)]*)", option.help)
            if values:
                option.values = [v.strip() for v in values.group(1).split(",")]
            default = re.search(r"default: ([^;)]*)\)", option.help)
            if default:
                option.default = default.group(1).strip()
    options = [o for o in options if o.name not in ("--help", "--version")]
    unique = {o.name: o for o in options}
    return Command(list(path), usage, arguments, required, list(unique.values()), text)


def command_tree() -> list[Command]:
    """Every leaf command, walking the SUBCOMMANDS sections of --help."""
    leaves = []

    def walk(path):
        text = help_text(path)
        subcommands = []
        for line in _sections(text).get("SUBCOMMANDS", []):
            m = re.match(r"  ([a-z][\w-]*)(?:\s|$)", line)
            if m and m.group(1) != "help":
                subcommands.append(m.group(1))
        if path and not subcommands:
            leaves.append(parse_help(path, text))
        for sub in subcommands:
            walk([*path, sub])

    walk([])
    return leaves


def man_page_commands() -> set[str]:
    """Commands with a man page (man/sortiectl.X.Y.1), leaves and groups."""
    names = set()
    for page in MAN.glob("sortiectl.*.1"):
        parts = page.name[len("sortiectl."):-len(".1")].split(".")
        if parts != ["help"]:
            names.add(" ".join(parts))
    return names


# -- the sandbox -------------------------------------------------------------------------------

class Sandbox(SandboxProcess):
    """SandboxProcess with control calls made in-process (no curl per call)."""

    def __init__(self, work, tls=True, ready_delay=0.3, extra=()):
        Path(work).mkdir(parents=True, exist_ok=True)
        super().__init__(work, tls=tls, ready_delay=ready_delay, extra=extra)
        self.tls = tls

    def __enter__(self):
        super().__enter__()
        if self.tls:
            d = Path(self.kubeconfig + ".d")
            context = ssl.create_default_context(cafile=str(d / "ca.crt"))
            context.load_cert_chain(str(d / "client.crt"), str(d / "client.key"))
            self._opener = urllib.request.build_opener(urllib.request.HTTPSHandler(context=context))
        else:
            self._opener = urllib.request.build_opener()
        return self

    @property
    def ca_path(self) -> Path:
        return Path(self.kubeconfig + ".d") / "ca.crt"

    def call(self, method, path, body=None, timeout=15.0):
        """(status, parsed JSON or bytes); 4xx/5xx are returned, not raised."""
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.url + path, data=data, method=method)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with self._opener.open(request, timeout=timeout) as response:
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, raw = error.code, error.read()
        try:
            return status, json.loads(raw)
        except ValueError:
            return status, raw

    def ok(self, method, path, body=None):
        status, answer = self.call(method, path, body)
        assert 200 <= status < 300, f"{method} {path} -> {status} {answer!r:.300}"
        return answer

    def pods(self, namespace="default", selector=SESSION_SELECTOR) -> list[dict]:
        from urllib.parse import quote
        return self.ok("GET", f"/api/v1/namespaces/{namespace}/pods?labelSelector={quote(selector)}")["items"]

    def add_fault(self, **rule) -> dict:
        return self.ok("POST", "/sandbox/faults", rule)

    def clear_faults(self):
        self.ok("DELETE", "/sandbox/faults")

    def restart_watches(self):
        self.ok("POST", "/sandbox/restart", {})

    def fail_pod(self, name, namespace="default", unknown=False, reason="Error", message="failed by the chaos test"):
        return self.call("POST", f"/sandbox/pods/{namespace}/{name}/fail",
                         {"unknown": unknown, "reason": reason, "message": message})

    def state(self) -> dict:
        return self.ok("GET", "/sandbox/state")

    def delete_all_session_pods(self, namespace="default"):
        from urllib.parse import quote
        self.call("DELETE", f"/api/v1/namespaces/{namespace}/pods?gracePeriodSeconds=0&labelSelector={quote(SESSION_SELECTOR)}")


# -- serve ------------------------------------------------------------------------------------

class Serve:
    """`sortiectl serve` on a free port (kept across restarts), logging to `log_path`."""

    def __init__(self, work, kubeconfig, args=(), env=None, log_name="serve.log", port=None):
        self.work = Path(work)
        self.kubeconfig = str(kubeconfig)
        self.args = list(args)
        self.env = env or clean_env(self.work, KUBECONFIG=self.kubeconfig, SORTIE_NAMESPACE="default")
        self.env.setdefault("KUBECONFIG", self.kubeconfig)
        self.log_path = self.work / log_name
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None
        self.starts = 0

    def start(self, ready_timeout=60.0, wait="/healthz"):
        last = None
        for attempt in range(2):  # the binary may be relinked under us: retry a failed start once
            with open(self.log_path, "ab") as log:
                log.write(f"--- start {self.starts + 1} at {time.time():.3f}\n".encode())
                try:
                    self.process = subprocess.Popen(
                        [str(SORTIECTL), "serve", "--address", "127.0.0.1", "--port", str(self.port), *self.args],
                        env=self.env, stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True)
                except OSError as error:
                    last = error
                    time.sleep(3)
                    continue
            try:
                wait_for(f"serve {wait}", lambda: self.process.poll() is None and
                         http("GET", self.url + wait, timeout=3)[0] == 200, timeout=ready_timeout)
                self.starts += 1
                return self
            except AssertionError as error:
                last = error
                self.kill()
                time.sleep(2)
        raise RuntimeError(f"sortiectl serve did not start: {last}\n{self.log_tail()}")

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self, sig=signal.SIGKILL):
        if self.process is None or self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, sig)
        except ProcessLookupError:
            pass
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def stop(self):
        self.kill(signal.SIGTERM)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def log_tail(self, lines=40) -> str:
        return "\n".join(self.log().splitlines()[-lines:])

    def request(self, method, path, body=None, headers=None, timeout=15.0):
        return http(method, self.url + path, body, headers, timeout)

    def json(self, method, path, body=None, headers=None, timeout=15.0):
        status, _, raw = self.request(method, path, body, headers, timeout)
        try:
            return status, json.loads(raw)
        except ValueError:
            return status, raw


# -- a websockify stand-in ----------------------------------------------------------------------

class EchoServer:
    """A WebSocket server on 127.0.0.1 that echoes every message (any path, any subprotocol offered).

    With `rfb=True` it first plays a minimal RFB 3.8 server (version, security type None,
    ServerInit of a 1x1 desktop), so `sortiectl connect --probe` through it completes, then echoes."""

    def __init__(self, port=None, rfb=False):
        self.port = port or free_port()
        self.rfb = rfb
        self.connections = 0
        self._server = None
        self._thread = None

    @staticmethod
    def _rfb_handshake(connection):
        import struct
        buffer = bytearray()

        def need(n):
            while len(buffer) < n:
                message = connection.recv(timeout=30)
                buffer.extend(message if isinstance(message, bytes) else message.encode())
            chunk = bytes(buffer[:n])
            del buffer[:n]
            return chunk

        connection.send(b"RFB 003.008\n")
        need(12)                                  # the client's version
        connection.send(b"\x01\x01")              # one security type: None
        need(1)                                   # the client's choice
        connection.send(struct.pack(">I", 0))     # SecurityResult OK
        need(1)                                   # ClientInit
        pixel_format = struct.pack(">BBBBHHHBBB3x", 32, 24, 0, 1, 255, 255, 255, 16, 8, 0)
        connection.send(struct.pack(">HH", 1, 1) + pixel_format + struct.pack(">I", 4) + b"fake")
        return bytes(buffer)

    def start(self):
        from websockets.sync.server import serve

        def handler(connection):
            self.connections += 1
            try:
                if self.rfb:
                    left = self._rfb_handshake(connection)
                    if left:
                        connection.send(left)
                for message in connection:
                    connection.send(message)
            except Exception:  # noqa: BLE001 - the peer went away
                pass

        def select(connection, offered):
            return offered[0] if offered else None

        self._server = serve(handler, "127.0.0.1", self.port, select_subprotocol=select, max_size=None)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self):
        if self._server is not None:
            self._server.shutdown()
            self._thread.join(timeout=10)


def make_ca_pem() -> bytes:
    """A self-signed CA certificate (PEM) that signed nothing the sandbox serves."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID
    import datetime
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "some other CA")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True).sign(key, hashes.SHA256()))
    return cert.public_bytes(serialization.Encoding.PEM)


def session_pod_summary(pod: dict) -> dict:
    md = pod["metadata"]
    labels, annotations = md.get("labels") or {}, md.get("annotations") or {}
    return {"name": md["name"], "session": labels.get("sortie.io/session-id"),
            "user": annotations.get("sortie.io/user-id"), "app": labels.get("sortie.io/app-id"),
            "deleting": md.get("deletionTimestamp") is not None, "phase": (pod.get("status") or {}).get("phase")}
