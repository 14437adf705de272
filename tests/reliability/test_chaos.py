"""Chaos: a mixed workload through the CLI and serve's REST API while the API server misbehaves.

For CHAOS_SECONDS (default 40; SORTIE_CHAOS_SECONDS overrides) the sandbox's fault injection
(`POST /sandbox/faults`) gets a new rule every ~0.7 s — 500, 503, 429 and 503 with Retry-After,
dropped connections, responses cut after a few bytes, watches cut after one event or answered
410 Gone, slow answers — plus watch restarts (`POST /sandbox/restart`) and pods failing or losing
their node (`/sandbox/pods/{ns}/{name}/fail`, `unknown: true`). Meanwhile threads create, list and
end sessions with `sortiectl sessions create/list/kill/reap` and `POST/GET/DELETE /api/sessions`,
every create for a user of its own, so each pod can be traced to the request that made it. In the
middle, a full outage (every API request answered 503 for OUTAGE_SECONDS) is probed through serve.

Afterwards, with the faults cleared:
* nothing hung (every request and command returned within its bound) and nothing crashed;
* serve never answered 500; during the outage it answered 503 (or 429), and recovered by itself;
* every CLI exit code is a documented one;
* no create produced two pods; no create reported as done lost its pod (unless we ended it or
  failed it); every pod is a session that serve and `sortiectl sessions list` show (no orphans),
  and serve shows no session without a pod;
* pods failed (also "node lost") show as `failed` in serve and `sortiectl sessions reap` removes them.
The figures (requests, faults by kind, outcomes) are printed for RELIABILITY.md.
"""
from __future__ import annotations

import collections
import json
import os
import random
import sys
import tempfile
import threading
import time
import urllib.error
from pathlib import Path

import pytest

sys.path.insert(0, os.path.dirname(__file__))
import cli_support as cs  # noqa: E402

pytestmark = pytest.mark.skipif(cs.skip_reason() is not None, reason=cs.skip_reason() or "")

CHAOS_SECONDS = float(os.environ.get("SORTIE_CHAOS_SECONDS", "40"))
OUTAGE_SECONDS = 10.0
REST_TIMEOUT = 60.0   # a REST request taking longer than this is a hang
CLI_TIMEOUT = 90.0    # likewise for a CLI command (its --request-timeout is 10 s)
SERVE_OK = {200, 201, 404, 409, 422, 429, 502, 503}


@pytest.fixture
def stack():
    work = Path(tempfile.mkdtemp(prefix="sortie-chaos-"))
    sandbox = cs.Sandbox(work / "sandbox", tls=True, ready_delay=0.3, extra=["--termination-delay", "0.2"])
    sandbox.__enter__()
    env = cs.clean_env(work, KUBECONFIG=sandbox.kubeconfig, SORTIE_NAMESPACE="default",
                       SORTIE_MAX_SESSIONS="0", SORTIE_MAX_SESSIONS_PER_USER="0")
    serve = cs.Serve(work, sandbox.kubeconfig, env=env, args=["--auth", "none", "--upstream", "port-forward",
                                                               "--apps", str(cs.APPS), "-v"])
    try:
        serve.start()
        cs.wait_for("serve ready", lambda: serve.request("GET", "/readyz")[0] == 200)
        yield {"work": work, "sandbox": sandbox, "serve": serve, "env": env}
    finally:
        serve.stop()
        sandbox.__exit__(None, None, None)


class Ledger:
    """What the workload did and saw (thread-safe)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.rest = collections.Counter()        # "METHOD path-kind status"
        self.rest_statuses = collections.Counter()
        self.cli = collections.Counter()          # "command exit"
        self.faults = collections.Counter()
        self.created = {}                         # user -> session id (create reported success)
        self.failed_creates = {}                  # user -> what the create reported
        self.ended = set()                        # session ids we tried to end (any outcome)
        self.failed_pods = set()                  # pod names we failed on purpose
        self.problems = []                        # hangs, crashes, 500s, undocumented exits
        self.slowest_rest = 0.0
        self.slowest_cli = 0.0
        self.outage = []                          # (what, status, seconds) probed during the outage

    def note(self, counter, key):
        with self.lock:
            getattr(self, counter)[key] += 1

    def problem(self, text):
        with self.lock:
            self.problems.append(text)


def rest_call(serve, ledger, method, path, body=None, kind=None):
    started = time.monotonic()
    try:
        status, _, raw = serve.request(method, path, body, timeout=REST_TIMEOUT)
    except TimeoutError:
        ledger.problem(f"serve hung: {method} {path} took over {REST_TIMEOUT} s")
        return None, None
    except (urllib.error.URLError, ConnectionError, OSError) as error:
        reason = getattr(error, "reason", error)
        if isinstance(reason, TimeoutError) or "timed out" in str(reason):
            ledger.problem(f"serve hung: {method} {path} took over {REST_TIMEOUT} s")
        else:
            ledger.problem(f"serve dropped {method} {path}: {reason!r}")
        return None, None
    elapsed = time.monotonic() - started
    with ledger.lock:
        ledger.slowest_rest = max(ledger.slowest_rest, elapsed)
        ledger.rest[f"{method} {kind or path} {status}"] += 1
        ledger.rest_statuses[status] += 1
    if status not in SERVE_OK:
        ledger.problem(f"serve answered {status} to {method} {path}: {raw[:300]!r}")
    try:
        return status, json.loads(raw)
    except ValueError:
        return status, raw


def cli_call(env, ledger, args, label):
    result = cs.run_cli([*args, "--request-timeout", "10s"], env, timeout=CLI_TIMEOUT)
    with ledger.lock:
        ledger.slowest_cli = max(ledger.slowest_cli, result.seconds)
        ledger.cli[f"{label} {'HUNG' if result.timed_out else result.code}"] += 1
    found = cs.problems(result, allow_success=True, max_lines=40)
    if found:
        ledger.problem(f"{label}: {'; '.join(found)} | {result.describe(300)}")
    return result


def rest_worker(serve, ledger, rng, stop, prefix):
    n = 0
    mine = []
    while not stop.is_set():
        n += 1
        user = f"{prefix}-{n}"
        status, body = rest_call(serve, ledger, "POST", "/api/sessions", {"app_id": "xterm", "user_id": user}, kind="/api/sessions")
        with ledger.lock:
            if status == 201:
                ledger.created[user] = body["id"]
                mine.append(body["id"])
            else:
                ledger.failed_creates[user] = status
        roll = rng.random()
        if roll < 0.3 and mine:
            victim = mine.pop(rng.randrange(len(mine)))
            with ledger.lock:
                ledger.ended.add(victim)
            rest_call(serve, ledger, "DELETE", f"/api/sessions/{victim}", kind="/api/sessions/{id}")
        elif roll < 0.6:
            rest_call(serve, ledger, "GET", "/api/sessions")
        elif roll < 0.7 and mine:
            rest_call(serve, ledger, "GET", f"/api/sessions/{rng.choice(mine)}", kind="/api/sessions/{id}")
        time.sleep(rng.uniform(0.05, 0.3))


def cli_worker(env, ledger, rng, stop, prefix):
    n = 0
    mine = []
    while not stop.is_set():
        n += 1
        user = f"{prefix}-{n}"
        result = cli_call(env, ledger, ["sessions", "create", "xterm", "--user", user, "-q"], "sessions create")
        with ledger.lock:
            if result.code == 0 and result.out.strip():
                ledger.created[user] = result.out.strip()
                mine.append(result.out.strip())
            else:
                ledger.failed_creates[user] = result.code
        roll = rng.random()
        if roll < 0.3 and mine:
            victim = mine.pop(rng.randrange(len(mine)))
            with ledger.lock:
                ledger.ended.add(victim)
            cli_call(env, ledger, ["sessions", "kill", victim, "--now", "--ignore-not-found"], "sessions kill")
        elif roll < 0.55:
            cli_call(env, ledger, ["sessions", "list", "-o", "json"], "sessions list")
        elif roll < 0.65:
            cli_call(env, ledger, ["sessions", "reap"], "sessions reap")


FAULT_PATHS = [None, "/pods$", r"/pods\?", "/pods/sortie-session", "watch=", "leases"]


def random_fault(rng):
    kind = rng.choice(["500", "503", "429+Retry-After", "503+Retry-After", "drop", "dropAfterBytes", "cutWatch",
                       "watchGone", "delay", "restart", "fail pod", "node lost"])
    rule = {"count": rng.randint(1, 4)}
    if rng.random() < 0.7:
        rule["path"] = rng.choice(FAULT_PATHS)
    if rng.random() < 0.4:
        rule["method"] = rng.choice(["GET", "POST", "DELETE"])
    if kind == "500":
        rule["status"] = 500
    elif kind == "503":
        rule["status"] = 503
    elif kind == "429+Retry-After":
        rule.update(status=429, retryAfter=1)
    elif kind == "503+Retry-After":
        rule.update(status=503, retryAfter=1)
    elif kind == "drop":
        rule["drop"] = True
    elif kind == "dropAfterBytes":
        rule["dropAfterBytes"] = rng.choice([0, 10, 100])
    elif kind == "cutWatch":
        rule = {"cutWatchAfterEvents": rng.randint(0, 2), "count": 1}
    elif kind == "watchGone":
        rule = {"watchGone": True, "count": 1}
    elif kind == "delay":
        rule["delay"] = rng.choice([0.5, 1, 2])
    return kind, rule


def fault_injector(stack, ledger, rng, stop):
    sandbox, serve = stack["sandbox"], stack["serve"]
    while not stop.is_set():
        kind, rule = random_fault(rng)
        try:
            if kind == "restart":
                sandbox.restart_watches()
            elif kind in ("fail pod", "node lost"):
                status, sessions = serve.json("GET", "/api/sessions", timeout=REST_TIMEOUT)
                running = [s for s in sessions if s.get("status") == "running"] if status == 200 else []
                if not running:
                    continue
                victim = rng.choice(running)
                sandbox.fail_pod(victim["pod_name"], unknown=kind == "node lost", reason="NodeLost" if kind == "node lost" else "Error")
                with ledger.lock:
                    ledger.failed_pods.add(victim["pod_name"])
            else:
                sandbox.add_fault(**rule)
            ledger.note("faults", kind)
        except Exception as error:  # noqa: BLE001 - the injector must not stop the run
            ledger.problem(f"fault injector: {error!r}")
        stop.wait(rng.uniform(0.4, 1.0))


def outage(stack, ledger):
    """Every API request fails with 503 for OUTAGE_SECONDS; probe serve meanwhile."""
    sandbox, serve = stack["sandbox"], stack["serve"]
    sandbox.add_fault(status=503, count=-1)
    sandbox.restart_watches()  # the open watch ends; its replacement meets the outage
    ledger.note("faults", "outage (all 503)")
    deadline = time.monotonic() + OUTAGE_SECONDS
    while time.monotonic() < deadline:
        for what, method, path, body in (("list", "GET", "/api/sessions", None),
                                         ("create", "POST", "/api/sessions", {"app_id": "xterm", "user_id": f"outage-{time.monotonic()}"}),
                                         ("readyz", "GET", "/readyz", None)):
            started = time.monotonic()
            status, answer = rest_call(serve, ledger, method, path, body, kind=f"{path} (outage)")
            ledger.outage.append((what, status, round(time.monotonic() - started, 2)))
            if what == "create" and status == 201:
                with ledger.lock:
                    ledger.created[body["user_id"]] = answer["id"]
            elif what == "create":
                with ledger.lock:
                    ledger.failed_creates[body["user_id"]] = status
        time.sleep(0.3)
    sandbox.clear_faults()
    started = time.monotonic()
    cs.wait_for("serve to recover from the outage by itself",
                lambda: serve.request("GET", "/readyz", timeout=30)[0] == 200
                and serve.request("GET", "/api/sessions", timeout=30)[0] == 200, timeout=60, interval=0.5)
    return time.monotonic() - started


def test_chaos(stack):
    sandbox, serve, env = stack["sandbox"], stack["serve"], stack["env"]
    seed = int(os.environ.get("SORTIE_CHAOS_SEED", str(random.randrange(1 << 30))))
    print(f"\n[chaos] seed {seed} (SORTIE_CHAOS_SEED={seed} repeats the fault sequence), {CHAOS_SECONDS:.0f} s")
    ledger = Ledger()
    stop = threading.Event()
    started = time.monotonic()
    workers = [threading.Thread(target=rest_worker, args=(serve, ledger, random.Random(seed + i), stop, f"rest{i}"))
               for i in range(3)]
    workers += [threading.Thread(target=cli_worker, args=(env, ledger, random.Random(seed + 10 + i), stop, f"cli{i}"))
                for i in range(2)]
    injector_stop = threading.Event()
    faults = threading.Thread(target=fault_injector, args=(stack, ledger, random.Random(seed + 100), injector_stop))
    for t in [*workers, faults]:
        t.start()

    # chaos, an outage in the middle, more chaos
    time.sleep(CHAOS_SECONDS / 2)
    injector_stop.set()
    faults.join(timeout=30)
    sandbox.clear_faults()
    recovery = outage(stack, ledger)
    injector_stop.clear()
    faults = threading.Thread(target=fault_injector, args=(stack, ledger, random.Random(seed + 200), injector_stop))
    faults.start()
    time.sleep(CHAOS_SECONDS / 2)
    injector_stop.set()
    faults.join(timeout=30)
    stop.set()
    for t in workers:
        t.join(timeout=CLI_TIMEOUT + REST_TIMEOUT)
    assert not any(t.is_alive() for t in [*workers, faults]), "a workload thread hung"
    sandbox.clear_faults()
    chaos_seconds = time.monotonic() - started

    # -- settle: serve recovers by itself, and its list converges on the pods -------------------------
    cs.wait_for("serve ready after the chaos", lambda: serve.request("GET", "/readyz", timeout=30)[0] == 200, timeout=60)

    def live_pods():
        return [cs.session_pod_summary(p) for p in sandbox.pods()]

    def converged():
        pods = [p for p in live_pods() if not p["deleting"]]
        status, sessions = serve.json("GET", "/api/sessions", timeout=30)
        if status != 200:
            return None
        listed = {s["id"] for s in sessions if s["status"] != "terminating"}
        return (pods, sessions) if {p["session"] for p in pods} == listed else None

    pods, sessions = cs.wait_for("serve's sessions to match the pods", converged, timeout=45, interval=0.5)
    cli_list = cs.run_cli(["sessions", "list", "-o", "json"], env, timeout=60)
    assert cli_list.code == 0, cli_list.describe()
    cli_ids = {s["id"] for s in json.loads(cli_list.out)["sessions"]}
    all_pods = live_pods()

    by_user = collections.defaultdict(list)
    for pod in all_pods:
        by_user[pod["user"]].append(pod["name"])
    duplicates = {u: names for u, names in by_user.items() if len(names) > 1}
    pod_sessions = {p["session"] for p in all_pods}
    ended_or_failed = ledger.ended | {name.removeprefix("sortie-session-") for name in ledger.failed_pods}
    lost = {u: sid for u, sid in ledger.created.items() if sid not in pod_sessions and sid not in ended_or_failed}
    phantom = {u: names for u, names in by_user.items() if u in ledger.failed_creates}
    strangers = [p["name"] for p in all_pods if p["user"] not in ledger.created and p["user"] not in ledger.failed_creates]
    orphans_serve = sorted({p["session"] for p in pods} - {s["id"] for s in sessions})
    orphans_cli = sorted({p["session"] for p in all_pods} - cli_ids)

    # -- failed pods: shown as failed, reaped by `sortiectl sessions reap` ----------------------------
    running = [s for s in sessions if s["status"] == "running"][:3]
    if len(running) < 3:  # make sure there is something to fail
        for i in range(3 - len(running)):
            status, body = serve.json("POST", "/api/sessions", {"app_id": "xterm", "user_id": f"to-fail-{i}"})
            assert status == 201, body
            ledger.created[f"to-fail-{i}"] = body["id"]
        cs.wait_for("sessions to run", lambda: len([s for s in serve.json("GET", "/api/sessions")[1]
                                                    if s["status"] == "running"]) >= 3, timeout=30)
        running = [s for s in serve.json("GET", "/api/sessions")[1] if s["status"] == "running"][:3]
    for i, victim in enumerate(running):
        status, answer = sandbox.fail_pod(victim["pod_name"], unknown=i == 0, reason="NodeLost" if i == 0 else "Error")
        assert status == 200, answer
    doomed = {s["id"] for s in running}

    def shown_failed():
        status, listed = serve.json("GET", "/api/sessions")
        return status == 200 and {s["id"] for s in listed if s["status"] == "failed"} >= doomed
    cs.wait_for("the failed pods to show as failed in serve", shown_failed, timeout=30)
    reap = cs.run_cli(["sessions", "reap", "-o", "json"], env, timeout=60)
    assert reap.code == 0, reap.describe()
    assert all(sid in reap.out for sid in doomed), f"reap did not report every failed session: {reap.out[:500]}"

    def reaped():
        remaining = {p["session"]: p for p in live_pods()}
        return all(sid not in remaining or remaining[sid]["deleting"] for sid in doomed)
    cs.wait_for("the failed sessions' pods to be deleted", reaped, timeout=30)
    cs.wait_for("serve to stop listing the reaped sessions as failed", lambda: not (
        {s["id"] for s in serve.json("GET", "/api/sessions")[1] if s["status"] == "failed"} & doomed), timeout=30)

    # -- figures and verdict --------------------------------------------------------------------------
    log = sandbox.ok("GET", "/sandbox/requests")
    entries = log if isinstance(log, list) else log.get("requests", [])
    api_requests = len(entries)
    faulted = sum(1 for e in entries if e.get("fault"))
    outage_statuses = collections.Counter(f"{what} {status}" for what, status, _ in ledger.outage)
    figures = {
        "seconds of chaos": round(chaos_seconds, 1),
        "REST requests": sum(ledger.rest.values()), "REST by status": dict(sorted(ledger.rest_statuses.items(), key=str)),
        "CLI commands": sum(ledger.cli.values()), "CLI by command and exit": dict(sorted(ledger.cli.items())),
        "faults injected": sum(ledger.faults.values()), "faults by kind": dict(sorted(ledger.faults.items())),
        "API server requests (sandbox log, capped at 20000)": api_requests, "API server requests hit by a fault": faulted,
        "creates reported done": len(ledger.created), "creates reported failed": len(ledger.failed_creates),
        "creates reported failed that made a pod anyway (listed, not orphans)": len(phantom),
        "sessions ended by the workload": len(ledger.ended), "pods failed on purpose": len(ledger.failed_pods),
        "outage probes": dict(outage_statuses), "recovered after the outage in s": round(recovery, 1),
        "slowest REST answer s": round(ledger.slowest_rest, 1), "slowest CLI command s": round(ledger.slowest_cli, 1),
        "pods at the end": len(all_pods), "serve sessions at the end": len(sessions),
        "lost": len(lost), "duplicates": len(duplicates), "orphans (serve)": len(orphans_serve),
        "orphans (CLI)": len(orphans_cli), "strangers": len(strangers), "problems": len(ledger.problems),
        "failed pods shown failed and reaped": len(doomed),
    }
    print("[chaos] figures:\n" + json.dumps(figures, indent=1))
    for problem in ledger.problems[:30]:
        print("  PROBLEM " + problem)

    assert not ledger.problems, f"{len(ledger.problems)} problems (hangs, crashes, 500s, undocumented exits):\n" + \
        "\n".join(ledger.problems[:20])
    assert 500 not in ledger.rest_statuses
    outage_answers = {status for what, status, _ in ledger.outage if what in ("list", "create")}
    assert outage_answers and outage_answers <= {503, 429, 200, 201}, f"during the outage serve answered {outage_statuses}"
    assert 503 in outage_answers, f"serve never said 503 while every API request failed: {outage_statuses}"
    assert any(what == "list" and status == 503 for what, status, _ in ledger.outage), \
        f"serve kept answering the list from its cache through a {OUTAGE_SECONDS:.0f} s outage: {outage_statuses}"
    assert not duplicates, f"creates that produced two pods: {duplicates}"
    assert not lost, f"creates reported done whose pod vanished: {lost}"
    assert not strangers, f"pods nobody asked for: {strangers}"
    assert not orphans_serve, f"pods serve does not list: {orphans_serve}"
    assert not orphans_cli, f"pods `sessions list` does not show: {orphans_cli}"
    assert sum(ledger.faults.values()) >= CHAOS_SECONDS / 2, "too few faults were injected to mean anything"


def test_concurrent_quota_set(stack):
    """Two admins setting the quota at the same moment: both succeed (the last one wins), as
    kubectl's PATCH-based setters do; no 409 Conflict surfaces to the user."""
    env = stack["env"]
    results = cs.run_parallel(range(8), lambda i: cs.run_cli(["quota", "set", "--pods", str(100 + i)], env, timeout=60), jobs=8)
    failures = [r.describe() for r in results if r.code != 0]
    print(f"\n[concurrent quota set] 8 at once: exits {collections.Counter(r.code for r in results)}")
    assert not failures, "concurrent `quota set` failed:\n" + "\n".join(failures)
