"""No secret ends up in anything sortiectl produces.

A TLS sandbox API server that wants credentials (bearer tokens, a token file, basic auth, client
certificates), kubeconfigs using each of them (also an exec credential plugin) and broken ones
(wrong token, wrong password, wrong CA, unreachable server); the CLI run with -v and -vv on success
and error paths; `sortiectl serve` (text and JSON logs, -vv) with `--auth token`, a token file and a
WebSocket ticket key, asked for /metrics, the API with good, bad and missing tokens, bad bodies, and
WebSockets with good and forged tickets; `connect --server` with a serve token.

Everything produced — stdout, stderr, serve's log files, HTTP bodies and headers — is searched for
every secret: tokens, passwords, the basic-auth header value, the client key (its base64 in the
kubeconfig and each line of its PEM body), the serve token file's tokens, the ticket key. The
WebSocket tickets serve hands out may appear only in the API answers to their owner (that is how
they are delivered), nowhere else.
"""
from __future__ import annotations

import base64
import json
import os
import secrets as pysecrets
import sys
import tempfile
from pathlib import Path

import pytest
import yaml

sys.path.insert(0, os.path.dirname(__file__))
import cli_support as cs  # noqa: E402

pytestmark = pytest.mark.skipif(cs.skip_reason() is not None, reason=cs.skip_reason() or "")


def secret(label):
    return f"{label}-{pysecrets.token_hex(12)}"


class Secrets:
    def __init__(self):
        self.kube_token = secret("kubetoken")
        self.exec_token = secret("exectoken")
        self.file_token = secret("filetoken")
        self.basic_user = "sandbox-basic"
        self.basic_password = secret("basicpass")
        self.wrong_token = secret("wrongtoken")
        self.wrong_password = secret("wrongpass")
        self.serve_alice = secret("servealice")
        self.serve_admin = secret("serveadmin")
        self.serve_bad = secret("servebad")
        self.ws_key = secret("wsticketkey") + "-padding-to-32-bytes"
        self.client_key_pem = b""

    def all(self) -> dict[str, bytes]:
        found = {name: value.encode() for name, value in vars(self).items() if isinstance(value, str) and name != "basic_user"}
        for user, password in ((self.basic_user, self.basic_password), (self.basic_user, self.wrong_password)):
            found[f"basic header {password[:9]}"] = base64.b64encode(f"{user}:{password}".encode())
        if self.client_key_pem:
            found["client key (kubeconfig base64)"] = base64.b64encode(self.client_key_pem)
            for i, line in enumerate(self.client_key_pem.splitlines()):
                if len(line) >= 20 and not line.startswith(b"-----"):
                    found[f"client key PEM line {i}"] = line
        return found


class Collector:
    """Everything sortiectl produced, by name."""

    def __init__(self):
        self.items: dict[str, bytes] = {}
        # tickets issued by serve, and the API answers allowed to carry them
        self.tickets: set[str] = set()
        self.ticket_carriers: set[str] = set()

    def add(self, name, data):
        if isinstance(data, str):
            data = data.encode()
        while name in self.items:
            name += "'"
        self.items[name] = data
        return name

    def result(self, name, result: cs.Result):
        self.add(f"{name} [stdout]", result.stdout)
        self.add(f"{name} [stderr]", result.stderr)

    def http(self, name, status, headers, body, carries_ticket=False):
        key = self.add(f"{name} [HTTP {status}]", json.dumps(headers).encode() + b"\n" + body)
        if carries_ticket:
            self.ticket_carriers.add(key)
        return key


@pytest.fixture(scope="module")
def stack():
    """The sandbox with every kind of credential, kubeconfigs using them, an echo websockify."""
    work = Path(tempfile.mkdtemp(prefix="sortie-secrets-"))
    s = Secrets()
    token_file_for_sandbox = work / "sandbox-tokens"
    token_file_for_sandbox.write_text(f"{s.file_token},file-user,2001,\"system:masters\"\n")
    echo = cs.EchoServer(rfb=True).start()  # a websockify stand-in that speaks enough RFB for --probe
    sandbox = cs.Sandbox(work / "sandbox", tls=True, ready_delay=0.2, extra=[
        "--token", s.kube_token, "--token", s.exec_token, "--token-file", str(token_file_for_sandbox),
        "--basic-auth", f"{s.basic_user}:{s.basic_password}", "--forward", f"6080=127.0.0.1:{echo.port}"])
    sandbox.__enter__()
    try:
        config = yaml.safe_load(Path(sandbox.kubeconfig).read_text())
        s.client_key_pem = (Path(sandbox.kubeconfig + ".d") / "client.key").read_bytes()
        cluster = config["clusters"][0]["cluster"]
        admin = config["users"][0]["user"]  # client-certificate-data + client-key-data
        closed = cs.free_port()

        kc_dir = work / "kubeconfigs"
        kc_dir.mkdir()

        def kubeconfig(name, user, server=None, ca=None):
            c = dict(cluster)
            if server:
                c["server"] = server
            if ca:
                c["certificate-authority-data"] = ca
            path = kc_dir / name
            path.write_text(yaml.safe_dump({
                "apiVersion": "v1", "kind": "Config", "clusters": [{"name": "c", "cluster": c}],
                "users": [{"name": "u", "user": user}], "contexts": [{"name": "x", "context": {"cluster": "c", "user": "u",
                                                                                              "namespace": "default"}}],
                "current-context": "x"}))
            path.chmod(0o600)
            return path

        token_file = work / "kube-token"
        token_file.write_text(s.file_token + "\n")
        plugin = work / "credential-plugin"
        plugin.write_text("#!/bin/sh\ncat <<EOF\n" + json.dumps({
            "apiVersion": "client.authentication.k8s.io/v1", "kind": "ExecCredential",
            "status": {"token": s.exec_token}}) + "\nEOF\n")
        plugin.chmod(0o755)
        other_ca = base64.b64encode(cs.make_ca_pem()).decode()
        kubeconfigs = {
            "token": (kubeconfig("token", {"token": s.kube_token}), True),
            "basic+client-key": (kubeconfig("basic-key", {"username": s.basic_user, "password": s.basic_password, **admin}), True),
            "token-file": (kubeconfig("token-file", {"tokenFile": str(token_file)}), True),
            "exec-plugin": (kubeconfig("exec", {"exec": {"apiVersion": "client.authentication.k8s.io/v1",
                                                         "command": str(plugin), "interactiveMode": "Never"}}), True),
            "wrong-token (401)": (kubeconfig("wrong-token", {"token": s.wrong_token}), False),
            "wrong-password (401)": (kubeconfig("wrong-pass", {"username": s.basic_user, "password": s.wrong_password}), False),
            "wrong-CA": (kubeconfig("wrong-ca", {"token": s.kube_token, "username": s.basic_user,
                                                 "password": s.basic_password}, ca=other_ca), False),
            "unreachable": (kubeconfig("unreachable", {"token": s.kube_token, **admin}, server=f"https://127.0.0.1:{closed}"), False),
        }
        serve_tokens = work / "serve-tokens.csv"
        serve_tokens.write_text(f'{s.serve_alice},alice,1001,"users"\n{s.serve_admin},root,1000,"sortie-admins"\n')
        ws_key = work / "ws-ticket.key"
        ws_key.write_text(s.ws_key)
        yield {"work": work, "secrets": s, "sandbox": sandbox, "kubeconfigs": kubeconfigs, "serve_tokens": serve_tokens,
               "ws_key": ws_key, "echo": echo, "collector": Collector()}
    finally:
        sandbox.__exit__(None, None, None)
        echo.stop()


def _env(stack, kubeconfig, **extra):
    return cs.clean_env(stack["work"], KUBECONFIG=kubeconfig, SORTIE_NAMESPACE="default", SORTIE_MAX_SESSIONS="0",
                        SORTIE_MAX_SESSIONS_PER_USER="0", **extra)


def scan(collector: Collector, secrets: Secrets) -> list[str]:
    leaks = []
    values = secrets.all()
    for artifact, data in collector.items.items():
        for name, value in values.items():
            if value in data:
                at = data.index(value)
                leaks.append(f"{name} in {artifact}: ...{data[max(0, at - 80):at + len(value) + 20]!r}...")
        if artifact not in collector.ticket_carriers:
            for ticket in collector.tickets:
                if ticket.encode() in data:
                    leaks.append(f"a WebSocket ticket in {artifact}")
    return leaks


def test_the_scan_finds_secrets(stack):
    """The search itself works: the sandbox's own kubeconfig holds the client key, a ticket is found."""
    s, collector = stack["secrets"], Collector()
    collector.add("the sandbox kubeconfig", Path(stack["sandbox"].kubeconfig).read_bytes())
    collector.add("a URL", b"/ws/sessions/x?token=v1.1.abc")
    collector.tickets.add("v1.1.abc")
    found = scan(collector, s)
    assert any(f.startswith("client key (kubeconfig base64)") for f in found), found
    assert any("WebSocket ticket" in f for f in found), found


def test_cli_outputs_hold_no_secrets(stack):
    """The CLI with -v/-vv, on success and error paths, with every kind of credential."""
    s, collector = stack["secrets"], Collector()
    runs = []
    for label, (kubeconfig, works) in stack["kubeconfigs"].items():
        env = _env(stack, kubeconfig)
        for v in ("-v", "-vv"):
            for args in (["sessions", "list"], ["version", "-o", "json"], ["quota", "show"], ["pods", "list", "-o", "wide"],
                         ["sessions", "reap", "--dry-run"]):
                runs.append((f"{label} {' '.join(args)} {v}", [*args, v], env))
            create = cs.run_cli(["sessions", "create", "xterm", "--wait", "--timeout", "30s", "-q", v], env, timeout=60)
            collector.result(f"{label} sessions create {v}", create)
            if works:
                assert create.code == 0, create.describe()
                sid = create.out.strip()
                for args in (["sessions", "get", sid, "-o", "yaml"], ["pods", "describe", sid], ["pods", "logs", sid, "--tail", "5"],
                             ["connect", sid, "--probe", "--timeout", "10s"], ["sessions", "kill", sid, "--now"]):
                    runs.append((f"{label} {args[0]} {args[1]} {v}", [*args, v], env))
            else:
                assert create.code in (4, 6), create.describe()
                runs.append((f"{label} connect {v}", ["connect", "deadbeef", "--probe", "--timeout", "5s", v], env))
    results = cs.run_parallel(runs, lambda r: (r[0], cs.run_cli(r[1], r[2], timeout=60)), jobs=6)
    crashed = []
    for name, result in results:
        collector.result(name, result)
        if cs.crash_reason(result) or result.timed_out:
            crashed.append(result.describe())
    slowest = sorted(results, key=lambda r: -r[1].seconds)[:5]
    print("\nslowest: " + "; ".join(f"{n} {r.seconds:.1f}s exit {r.code}" for n, r in slowest))
    leaks = scan(collector, s)
    scanned = sum(len(v) for v in collector.items.values())
    print(f"\n[secrets: CLI] {len(results) + 2 * len(stack['kubeconfigs'])} runs, {len(collector.items)} outputs, "
          f"{scanned} bytes, {len(s.all())} secrets searched, {len(leaks)} leaks")
    assert not crashed, "\n".join(crashed)
    assert not leaks, "secrets in the CLI's output:\n" + "\n".join(leaks[:30])


def test_serve_outputs_hold_no_secrets(stack):
    """serve (text and JSON logs, -vv) with --auth token, a token file and a ticket key: logs,
    /metrics, API error bodies, WebSocket refusals and tickets, and `connect --server`."""
    s, collector = stack["secrets"], Collector()
    kubeconfigs = stack["kubeconfigs"]
    configurations = [("token-file", "text"), ("basic+client-key", "json"), ("exec-plugin", "text"),
                      ("wrong-token (401)", "json"), ("unreachable", "text")]
    requests_made = 0
    for label, log_format in configurations:
        kubeconfig, works = kubeconfigs[label]
        env = _env(stack, kubeconfig)
        serve = cs.Serve(stack["work"], kubeconfig, env=env, log_name=f"serve-{log_format}-{label.split()[0]}.log", args=[
            "--auth", "token", "--token-file", str(stack["serve_tokens"]), "--ws-secret-file", str(stack["ws_key"]),
            "--log-format", log_format, "--upstream", "port-forward", "--no-leader-election", "-vv"])
        serve.start()
        try:
            alice = {"Authorization": f"Bearer {s.serve_alice}"}
            admin = {"Authorization": f"Bearer {s.serve_admin}"}
            forged = {"Authorization": f"Bearer {s.serve_bad}"}

            def call(name, method, path, body=None, headers=None, carries_ticket=False):
                nonlocal requests_made
                requests_made += 1
                status, response_headers, raw = serve.request(method, path, body, headers, timeout=40)
                collector.http(f"{label}/{log_format} {name}", status, response_headers, raw, carries_ticket)
                return status, raw

            call("metrics (start)", "GET", "/metrics")
            call("readyz", "GET", "/readyz")
            call("list without a token", "GET", "/api/sessions")
            call("list with a forged token", "GET", "/api/sessions", headers=forged)
            call("list with basic auth", "GET", "/api/sessions", headers={"Authorization": "Basic " + base64.b64encode(
                f"alice:{s.serve_alice}".encode()).decode()})
            call("bad JSON", "POST", "/api/sessions", body=b"{not json", headers={**alice, "Content-Type": "application/json"})
            call("unknown app", "POST", "/api/sessions", body={"app_id": "nope"}, headers=alice)
            status, raw = call("create", "POST", "/api/sessions", body={"app_id": "xterm"}, headers=alice, carries_ticket=True)
            session = None
            if not works:
                # the error paths were taken: the API server refused us or could not be reached
                assert status in (502, 503), f"{label}: create answered {status} {raw[:300]!r}"
            if works:
                assert status == 201, raw
                session = json.loads(raw)
                ticket = session["websocket_url"].split("token=", 1)[1]
                collector.tickets.add(ticket)
                cs.wait_for("the session to run", lambda: json.loads(serve.request("GET", f"/api/sessions/{session['id']}",
                                                                                  headers=alice)[2])["status"] == "running")
                status, raw = call("get", "GET", f"/api/sessions/{session['id']}", headers=alice, carries_ticket=True)
                collector.tickets.add(json.loads(raw)["websocket_url"].split("token=", 1)[1])
                call("get as admin", "GET", f"/api/sessions/{session['id']}", headers=admin, carries_ticket=True)
                call("ws without upgrade", "GET", f"/ws/sessions/{session['id']}?token={ticket}")
                call("ws with a forged ticket", "GET", f"/ws/sessions/{session['id']}?token=v1.9999999999.{'ab' * 32}")
                _websocket(collector, serve, session["id"], f"?token={ticket}", f"{label} ws with the ticket", expect_echo=True)
                _websocket(collector, serve, session["id"], f"?token=v1.9999999999.{'cd' * 32}", f"{label} ws forged ticket")
                _websocket(collector, serve, session["id"], "", f"{label} ws with a forged bearer", headers=forged)
                for v in ("-v", "-vv"):
                    for token_args, env_extra in (([f"--token={s.serve_alice}"], {}), ([], {"SORTIE_TOKEN": s.serve_alice}),
                                                  ([f"--token={s.serve_bad}"], {})):
                        result = cs.run_cli(["connect", "--server", serve.url, *token_args, session["id"], "--probe",
                                             "--timeout", "10s", v], _env(stack, kubeconfig, **env_extra), timeout=60)
                        collector.result(f"{label} connect --server {v}", result)
                        assert cs.crash_reason(result) is None and not result.timed_out, result.describe()
                call("delete", "DELETE", f"/api/sessions/{session['id']}", headers=alice, carries_ticket=True)
            call("get missing", "GET", "/api/sessions/deadbeef", headers=alice)
            call("openapi", "GET", "/api/openapi.json")
            call("metrics (end)", "GET", "/metrics")
        finally:
            serve.stop()
        collector.add(f"serve log {label}/{log_format}", serve.log_path.read_bytes())
        assert cs.crash_reason(cs.Result([], 0, b"", serve.log_path.read_bytes(), 0, False)) is None, serve.log_tail()
    leaks = scan(collector, s)
    scanned = sum(len(v) for v in collector.items.values())
    print(f"\n[secrets: serve] {len(configurations)} serve runs, {requests_made} HTTP requests, {len(collector.tickets)} tickets, "
          f"{len(collector.items)} outputs, {scanned} bytes, {len(s.all()) + len(collector.tickets)} secrets searched, "
          f"{len(leaks)} leaks")
    assert not leaks, "secrets in serve's output:\n" + "\n".join(leaks[:30])


def _websocket(collector, serve, session_id, query, name, headers=None, expect_echo=False):
    from websockets.sync.client import connect
    from websockets.exceptions import InvalidStatus, ConnectionClosed
    url = serve.url.replace("http://", "ws://") + f"/ws/sessions/{session_id}{query}"
    try:
        with connect(url, additional_headers=headers or {}, open_timeout=20, close_timeout=5, subprotocols=["binary"]) as ws:
            got = ws.recv(timeout=20)  # the stand-in's RFB greeting, through serve and the port-forward
            collector.add(f"{name} [frames]", got if isinstance(got, bytes) else got.encode())
            if expect_echo:
                assert got == b"RFB 003.008\n"
    except InvalidStatus as refused:
        assert not expect_echo, f"{name}: refused {refused.response.status_code}"
        collector.http(name, refused.response.status_code, dict(refused.response.headers), refused.response.body or b"")
    except ConnectionClosed as closed:
        assert not expect_echo, f"{name}: closed {closed}"
        collector.add(f"{name} [close]", str(closed))
