"""schemathesis against a live `sortiectl serve`, driven by the server's own `/api/openapi.json`.

For `--auth none` and `--auth token` (a static-token CSV), schemathesis runs every phase
(examples, coverage, fuzzing, stateful with the links it infers) with `--checks all`: no 5xx, status
codes, content types, headers and bodies conforming to the document, invalid input rejected, valid
input accepted, auth not ignored, undeclared methods answered 405. A run that does not finish within
its bound, or a request that takes longer than `--request-timeout`, fails the test (a hang).

Where the document and a generic fuzzer cannot agree, the deviation is configured explicitly (see
``CONFIG``) and nothing else is relaxed:
* `GET /ws/sessions/{id}` is a WebSocket upgrade; an HTTP client gets the documented 426.
* `POST /api/sessions` with a schema-valid but unknown `app_id` gets the documented 422 (the
  catalog is data, not part of the schema).
* `use_after_free` is off: DELETE ends a session gracefully, it stays visible as `terminating`
  (documented: "The session, status terminating") until its pod is gone.
* with `--auth none` the document still declares bearer security (it describes the production
  API), so `ignored_auth` is off and no security parameters are generated.

`test_websocket_upgrade_refusals_match_the_document` covers what schemathesis cannot send: real
WebSocket upgrades that serve refuses must get the documented status (401/403/404/409/429) and
JSON error body, as a plain GET to the same URL does.

Needs: `pip install 'schemathesis>=4.32,<5'`, .build/debug/sortiectl, curl.
Knobs: SORTIE_SCHEMATHESIS_EXAMPLES (default 50 per operation), SORTIE_SCHEMATHESIS_SEED.
"""
import collections
import contextlib
import glob
import json
import os
import subprocess
import sys
import time

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import serve_support  # noqa: E402

pytestmark = [
    pytest.mark.skipif(not serve_support.SORTIECTL.exists(), reason="needs .build/debug/sortiectl"),
]
schemathesis = pytest.importorskip("schemathesis", reason="pip install 'schemathesis>=4.32,<5'")

EXAMPLES = int(os.environ.get("SORTIE_SCHEMATHESIS_EXAMPLES", "50"))
SEED = int(os.environ.get("SORTIE_SCHEMATHESIS_SEED", "20261122"))
RUN_BOUND = 240  # seconds: a run that has not finished by then is a hang
REQUEST_TIMEOUT = 15  # seconds per request, far above anything serve needs on a loaded machine

DEFAULT_POSITIVE = ["2xx", "3xx", "401", "403", "404", "409", "429", "5xx"]  # schemathesis' default
CONFIG = f"""
# GET /ws/sessions/{{id}} only upgrades; a plain HTTP request is answered 426 (documented).
[[operations]]
include-path = "/ws/sessions/{{id}}"
checks.positive_data_acceptance.expected-statuses = {json.dumps(DEFAULT_POSITIVE + ["426"])}

# An app_id that is a valid string but not in the catalog is answered 422 unknown_app (documented).
[[operations]]
include-path = "/api/sessions"
include-method = "POST"
checks.positive_data_acceptance.expected-statuses = {json.dumps(DEFAULT_POSITIVE + ["422"])}
"""


def run_schemathesis(stack, work, extra):
    (work / "schemathesis.toml").write_text(CONFIG)
    reports = work / "schemathesis-report"
    args = [sys.executable, "-c",
            "import sys; from schemathesis.cli import schemathesis; sys.argv[0] = 'schemathesis'; sys.exit(schemathesis())",
            "--config-file", str(work / "schemathesis.toml"), "--no-color",
            "run", stack.url + "/api/openapi.json",
            "--checks", "all", "--max-examples", str(EXAMPLES), "--seed", str(SEED),
            "--request-timeout", str(REQUEST_TIMEOUT), "--generation-database", "none", "--workers", "1",
            "--report", "json,har", "--report-dir", str(reports), *extra]
    started = time.monotonic()
    try:
        result = subprocess.run(args, capture_output=True, text=True, timeout=RUN_BOUND, cwd=work,
                                env=dict(os.environ, COLUMNS="120", NO_COLOR="1"))
    except subprocess.TimeoutExpired as error:
        pytest.fail(f"schemathesis did not finish within {RUN_BOUND} s (serve hangs?)\n"
                    f"{(error.stdout or b'')[-4000:]!r}\nserve log:\n{stack.log_tail()}")
    elapsed = time.monotonic() - started
    report = json.loads(open(glob.glob(str(reports / "json-*.json"))[0]).read())
    har = json.loads(open(glob.glob(str(reports / "har-*.json"))[0]).read())
    return result, report, har, elapsed


def failures_section(output: str) -> str:
    start = output.find("FAILURES")
    return output[max(0, start - 40):][:12000] if start >= 0 else output[-6000:]


@pytest.mark.parametrize("auth", ["none", "token"])
def test_openapi_document_holds_under_schemathesis(auth, tmp_path):
    extra = []
    if auth == "none":
        extra += ["--exclude-checks", "use_after_free,ignored_auth", "--generation-with-security-parameters", "false"]
    else:
        extra += ["--exclude-checks", "use_after_free",
                  "-H", f"Authorization: Bearer {serve_support.TOKENS['alice'][0]}"]
    with serve_support.ServeStack(tmp_path / "stack", auth=auth) as stack:
        rss_before = stack.rss()
        result, report, har, elapsed = run_schemathesis(stack, tmp_path, extra)
        entries = har["log"]["entries"]
        statuses = collections.Counter(e["response"]["status"] for e in entries)
        server_errors = [f'{e["request"]["method"]} {e["request"]["url"]} -> {e["response"]["status"]}'
                         for e in entries if e["response"]["status"] >= 500]
        alive, healthy = stack.alive(), stack.alive() and stack.healthz()
        rss_after = stack.rss() if alive else 0
        print(f"\nschemathesis --auth {auth}: {report['test_cases']['generated']} test cases, {len(entries)} requests "
              f"in {elapsed:.1f} s (seed {SEED}, {EXAMPLES} examples/operation); statuses {dict(sorted(statuses.items()))}; "
              f"failures {[(f['code'], f['title'], f['count'], f['operations']) for f in report['failures']]}; "
              f"errors {report['errors']}; warnings {[k for k, v in report['warnings'].items() if v]}; "
              f"serve RSS {serve_support.mib(rss_before):.1f} -> {serve_support.mib(rss_after):.1f} MiB")

        assert alive, f"serve exited during the run:\n{stack.log_tail()}"
        assert healthy, "serve's /healthz stopped answering after the run"
        assert report["complete"], f"the run stopped early: {report['stop_reason']}"
        assert report["operations"]["tested"] == report["operations"]["total"] == 9, report["operations"]
        assert not server_errors, f"serve answered 5xx: {server_errors[:10]}"
        assert not report["errors"], f"schemathesis errors (timeouts are hangs): {report['errors']}"
        assert not report["failures"] and result.returncode == 0, (
            f"schemathesis found {report['test_cases']['unique_failures']} problem(s):\n{failures_section(result.stdout)}")


def read_body(sock, head, rest, timeout=10):
    length = next((int(line.split(":", 1)[1]) for line in head.splitlines() if line.lower().startswith("content-length:")), 0)
    sock.settimeout(timeout)
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        rest += chunk
    return rest[:length]


def test_websocket_upgrade_refusals_match_the_document(tmp_path):
    """What schemathesis cannot do: real WebSocket upgrades to /ws/sessions/{id}. A refused
    upgrade gets the documented reason (status, JSON error body, connection closed; nothing is
    relayed), and so does the same GET without the Upgrade headers, with the documented headers
    (what `connect --server` and the web page use to explain a refusal)."""
    with serve_support.ServeStack(tmp_path / "stack", auth="token") as stack:
        status, _, body = serve_support.http("GET", stack.url + "/api/openapi.json")
        documented = set(json.loads(body)["paths"]["/ws/sessions/{id}"]["get"]["responses"])
        running, _ = stack.running_session(user="bob")
        failed = stack.create_session(user="bob")
        serve_support.wait_for("the second pod to run", lambda: stack.session(failed["id"], "bob")["status"] == "running")
        stack.sandbox.control("POST", f"/sandbox/pods/default/{failed['pod_name']}/fail", {"reason": "Error", "message": "test"})
        serve_support.wait_for("the session to fail", lambda: stack.session(failed["id"], "bob")["status"] == "failed")

        def ticket_path(session):
            return stack.ws_url(session, "bob").split(str(stack.port), 1)[1]
        bob = {"Authorization": f"Bearer {serve_support.TOKENS['bob'][0]}"}
        alice = {"Authorization": f"Bearer {serve_support.TOKENS['alice'][0]}"}
        cases = [
            ("no credentials", f"/ws/sessions/{running['id']}", {}, 401),
            ("a forged ticket", f"/ws/sessions/{running['id']}?token=v1.9999999999.00", {}, 401),
            ("an unknown session", "/ws/sessions/no-such-session", bob, 404),
            ("someone else's session", f"/ws/sessions/{running['id']}", alice, 404),
            ("a foreign Origin", ticket_path(running), {"Origin": "https://evil.example"}, 403),
            ("a failed session", ticket_path(failed), {}, 409),
        ]
        results, problems = [], []
        with contextlib.ExitStack() as held:
            for _ in range(4):  # the per-session connection cap
                held.enter_context(serve_support.open_ws(stack.ws_url(running, "bob")))
            cases.append(("a 5th connection (cap 4)", ticket_path(running), {}, 429))
            for label, path, headers, expected in cases:
                plain, plain_headers, payload = serve_support.http("GET", stack.url + path, headers=headers)
                sock, upgraded, head, _ = serve_support.raw_upgrade(stack.port, path, headers=headers)
                sock.close()
                got = plain
                names = {name.lower() for name in plain_headers}
                results.append(f"{label}: upgrade -> {upgraded}, plain GET -> {plain}, expected {expected}")
                if upgraded != expected:
                    problems.append(f"{label}: the refused upgrade was answered {upgraded}, expected {expected}")
                elif "application/json" not in head.lower():
                    problems.append(f"{label}: the refused upgrade ({upgraded}) has no JSON error body: {head[:200]!r}")
                if plain != expected or str(plain) not in documented:
                    problems.append(f"{label}: a plain GET got {plain}, expected {expected} (documented: {sorted(documented)})")
                    continue
                try:
                    error = json.loads(payload)
                    assert isinstance(error.get("error"), str) and isinstance(error.get("message"), str)
                except (ValueError, AssertionError):
                    problems.append(f"{label}: {got} without the documented JSON error body: {payload[:80]!r}")
                if got == 401 and "www-authenticate" not in names:
                    problems.append(f"{label}: 401 without WWW-Authenticate")
                if got == 429 and "retry-after" not in names:
                    problems.append(f"{label}: 429 without Retry-After")
        print("\nWebSocket upgrade refusals:\n  " + "\n  ".join(results))
        assert not problems, "refused WebSocket upgrades do not match the document:\n  " + "\n  ".join(problems)
