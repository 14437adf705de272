"""`sortiectl serve` killed with SIGKILL in the middle of work, then restarted.

Kubernetes is the only state, so a serve that dies mid-request and comes back must show exactly
the pods that exist: no session lost, none invented, none created twice.

* Concurrent `POST /api/sessions` (each create for a user of its own, so a pod can be traced back
  to the request that made it by its `sortie.io/user-id` annotation); serve is SIGKILLed while they
  run and restarted on the same port. Then: every create answered 201 has exactly one pod with that
  session id and user; no user has two pods; `GET /api/sessions` lists exactly the pods.
* An open WebSocket (through serve's port-forward upstream to a websockify stand-in): SIGKILL
  closes it for the client (no hang), the API server's port-forward stream goes away, and after
  the restart a new WebSocket to the same session works.
"""
from __future__ import annotations

import collections
import json
import os
import signal
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

ROUNDS = 3
CREATES = 40          # per round
WORKERS = 12
KILL_AFTER_ANSWERS = 8


@pytest.fixture
def stack():
    work = Path(tempfile.mkdtemp(prefix="sortie-kill-"))
    echo = cs.EchoServer().start()
    sandbox = cs.Sandbox(work / "sandbox", tls=True, ready_delay=0.3, extra=["--forward", f"6080=127.0.0.1:{echo.port}"])
    sandbox.__enter__()
    env = cs.clean_env(work, KUBECONFIG=sandbox.kubeconfig, SORTIE_NAMESPACE="default",
                       SORTIE_MAX_SESSIONS="0", SORTIE_MAX_SESSIONS_PER_USER="0")
    serve = cs.Serve(work, sandbox.kubeconfig, env=env, args=[
        "--auth", "none", "--upstream", "port-forward", "--apps", str(cs.APPS)])
    try:
        serve.start()
        yield {"work": work, "sandbox": sandbox, "serve": serve, "echo": echo}
    finally:
        serve.stop()
        sandbox.__exit__(None, None, None)
        echo.stop()


def _create(serve, user):
    try:
        status, _, raw = serve.request("POST", "/api/sessions", {"app_id": "xterm", "user_id": user}, timeout=30)
    except (urllib.error.URLError, ConnectionError, OSError) as error:
        reason = getattr(error, "reason", error)
        refused = isinstance(reason, ConnectionRefusedError)
        return ("refused" if refused else "broken", None, repr(reason))
    body = json.loads(raw) if raw.startswith(b"{") else {}
    return (status, body.get("id"), body)


def _listed(serve):
    status, body = serve.json("GET", "/api/sessions", timeout=30)
    return [s["id"] for s in body] if status == 200 else None


def _round(serve, first, count, kill_after):
    """`count` creates from WORKERS threads; SIGKILL serve once `kill_after` were answered 201,
    restart it a second later. Returns {index: outcome} and the restart time."""
    outcomes: dict[int, tuple] = {}
    answered = threading.Event()
    lock = threading.Lock()
    kill = {}

    def worker(indices):
        for i in indices:
            outcome = _create(serve, f"kill-user-{i:03d}")
            with lock:
                outcomes[i] = outcome
                if sum(1 for o in outcomes.values() if o[0] == 201) >= kill_after:
                    answered.set()

    def killer():
        answered.wait(timeout=60)
        kill["at"] = time.monotonic()
        serve.kill(signal.SIGKILL)
        kill["killed"] = True
        time.sleep(1.0)  # creates keep arriving at a dead port meanwhile
        serve.start()
        kill["restarted_after"] = time.monotonic() - kill["at"]

    threads = [threading.Thread(target=worker, args=(range(first + w, first + count, WORKERS),)) for w in range(WORKERS)]
    threads.append(threading.Thread(target=killer))
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=180)
    assert not any(t.is_alive() for t in threads), "a create or the restart hung"
    assert kill.get("killed") and serve.alive(), "serve was not killed and restarted"
    return outcomes, kill["restarted_after"]


def test_sigkill_during_concurrent_creates(stack):
    serve, sandbox = stack["serve"], stack["sandbox"]
    started = time.monotonic()
    outcomes, restarts = {}, []
    for r in range(ROUNDS):
        got, restarted_after = _round(serve, r * CREATES, CREATES, KILL_AFTER_ANSWERS)
        outcomes.update(got)
        restarts.append(round(restarted_after, 1))

    # After the restarts, serve works: a few more creates, all 201.
    base = ROUNDS * CREATES
    after = {base + j: _create(serve, f"kill-user-{base + j:03d}") for j in range(8)}
    assert all(o[0] == 201 for o in after.values()), after
    outcomes.update(after)

    pods = [cs.session_pod_summary(p) for p in sandbox.pods()]
    by_user = collections.defaultdict(list)
    for pod in pods:
        by_user[pod["user"]].append(pod)
    duplicates = {u: [p["name"] for p in ps] for u, ps in by_user.items() if len(ps) > 1}
    pod_sessions = {p["session"]: p for p in pods}

    created = {i: o for i, o in outcomes.items() if o[0] == 201}
    lost = [(i, o[1]) for i, o in created.items() if o[1] not in pod_sessions]
    wrong_owner = [(i, o[1]) for i, o in created.items()
                   if o[1] in pod_sessions and pod_sessions[o[1]]["user"] != f"kill-user-{i:03d}"]
    unanswered = {i: o for i, o in outcomes.items() if o[0] != 201}
    phantom = [i for i in unanswered if f"kill-user-{i:03d}" in by_user]
    strangers = [p["name"] for p in pods if not (p["user"] or "").startswith("kill-user-")]

    # serve's list converges on exactly the pods
    listed = cs.wait_for("serve's list to match the pods", lambda: (lambda ids: ids if ids is not None and
                         set(ids) == set(pod_sessions) else None)(_listed(serve)), timeout=30)
    kinds = collections.Counter(str(o[0]) for o in outcomes.values())
    figures = {"rounds (SIGKILL + restart)": ROUNDS, "creates": len(outcomes), "answers": dict(kinds), "pods": len(pods),
               "listed": len(listed), "unanswered creates that made a pod anyway (listed)": len(phantom),
               "duplicates": len(duplicates), "lost (201 without a pod)": len(lost), "restart took s": restarts,
               "seconds": round(time.monotonic() - started, 1)}
    print(f"\n[kill during creates] {json.dumps(figures)}")
    assert not duplicates, f"creates that produced two pods: {duplicates}"
    assert not lost, f"creates answered 201 whose pod does not exist: {lost}"
    assert not wrong_owner, f"pods of the wrong user: {wrong_owner}"
    assert not strangers, f"pods nobody asked for: {strangers}"
    assert len(pod_sessions) == len(pods), "two pods with one session id"
    assert kinds.get("201", 0) >= ROUNDS * KILL_AFTER_ANSWERS + 8
    assert set(kinds) <= {"201", "refused", "broken", "503"}, f"unexpected answers: {kinds}"


def test_sigkill_during_a_websocket(stack):
    from websockets.exceptions import ConnectionClosed
    from websockets.sync.client import connect

    serve, sandbox = stack["serve"], stack["sandbox"]
    status, session = serve.json("POST", "/api/sessions", {"app_id": "xterm", "user_id": "ws-user"})
    assert status == 201, session
    sid = session["id"]
    cs.wait_for("the session to run", lambda: serve.json("GET", f"/api/sessions/{sid}")[1]["status"] == "running")
    url = serve.url.replace("http://", "ws://") + f"/ws/sessions/{sid}"

    with connect(url, open_timeout=20, close_timeout=5) as ws:
        ws.send(b"before the kill")
        assert ws.recv(timeout=20) == b"before the kill"
        assert sandbox.state()["portForwards"] >= 1

        killed_at = time.monotonic()
        serve.kill(signal.SIGKILL)
        ended = None
        try:
            while True:
                ws.recv(timeout=15)  # anything still in flight, then the end
        except ConnectionClosed as closed:
            ended = f"closed ({closed.rcvd.code if closed.rcvd else 'no close frame'})"
        except TimeoutError:
            ended = None
        noticed_after = time.monotonic() - killed_at
    assert ended is not None, "the client did not see the connection end within 15 s of SIGKILL"

    # The API server's side of the port-forward goes away with the process.
    cs.wait_for("the port-forward stream to close", lambda: sandbox.state()["portForwards"] == 0, timeout=20)

    serve.start()
    cs.wait_for("the session after the restart", lambda: serve.json("GET", f"/api/sessions/{sid}")[1]["status"] == "running",
                timeout=30)
    with connect(url, open_timeout=20, close_timeout=5) as again:
        again.send(b"after the restart")
        assert again.recv(timeout=20) == b"after the restart"
    print(f"\n[kill during a WebSocket] client saw the end {ended} after {noticed_after:.2f} s; "
          f"the API server's port-forward stream closed; a new WebSocket after the restart echoed")
