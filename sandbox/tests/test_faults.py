"""Fault injection through /sandbox/faults, and the other control endpoints."""
import time

import pytest
import requests

from conftest import watch_lines


@pytest.fixture
def sb(plain):
    plain.control("DELETE", "faults")
    yield plain
    plain.control("DELETE", "faults")


@pytest.mark.parametrize("code,reason", [(429, "TooManyRequests"), (500, "InternalError"),
                                         (503, "ServiceUnavailable"), (504, "Timeout")])
def test_status_faults(sb, code, reason):
    f = sb.control("POST", "faults", {"method": "GET", "path": "/api/v1/namespaces/default/pods$",
                                      "status": code, "retryAfter": 2 if code != 500 else None})
    assert f["id"]
    r = sb.get("/api/v1/namespaces/default/pods")
    assert r.status_code == code and r.json()["reason"] == reason and r.json()["code"] == code
    if code != 500:
        assert r.headers["Retry-After"] == "2"
    assert sb.get("/api/v1/namespaces/default/pods").status_code == 200  # count defaults to 1


def test_count_and_listing(sb):
    sb.control("POST", "faults", {"path": "/version", "status": 503, "count": 2})
    assert sb.control("GET", "faults")["faults"][0]["count"] == 2
    assert sb.get("/version").status_code == 503
    assert sb.control("GET", "faults")["faults"][0]["count"] == 1
    assert sb.get("/version").status_code == 503
    assert sb.get("/version").status_code == 200
    sb.control("POST", "faults", {"path": "/version", "status": 500, "count": -1})
    for _ in range(3):
        assert sb.get("/version").status_code == 500
    sb.control("DELETE", "faults")
    assert sb.get("/version").status_code == 200


def test_delay_drop_and_partial_body(sb):
    sb.control("POST", "faults", {"path": "/version", "delay": 0.5})
    t = time.time()
    assert sb.get("/version").status_code == 200 and time.time() - t >= 0.5
    sb.control("POST", "faults", {"path": "/version", "drop": True})
    with pytest.raises(requests.ConnectionError):
        sb.new_session().get(sb.url + "/version")
    sb.control("POST", "faults", {"path": "/version", "dropAfterBytes": 10})
    with pytest.raises((requests.exceptions.ChunkedEncodingError, requests.ConnectionError)):
        sb.new_session().get(sb.url + "/version")


def test_watch_faults(sb):
    ns = sb.namespace()
    for i in range(3):
        sb.create_pod(ns, f"wf{i}")
    sb.control("POST", "faults", {"path": "watch=true", "cutWatchAfterEvents": 2})
    r = sb.get(f"/api/v1/namespaces/{ns}/pods", params={"watch": "true"}, stream=True)
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        lines = [l for l in r.iter_lines() if l]
    sb.control("POST", "faults", {"path": "watch=true", "watchGone": True})
    r = sb.get(f"/api/v1/namespaces/{ns}/pods", params={"watch": "true", "resourceVersion": "1"}, stream=True)
    assert r.status_code == 200
    ev = watch_lines(r, n=5)
    assert len(ev) == 1 and ev[0]["type"] == "ERROR" and ev[0]["object"]["code"] == 410


def test_request_log_and_restart(sb):
    sb.control("DELETE", "requests")
    sb.get("/api/v1/namespaces/default/pods", params={"limit": "1"})
    log = sb.control("GET", "requests")["requests"]
    e = [x for x in log if x["path"] == "/api/v1/namespaces/default/pods"][0]
    assert e["method"] == "GET" and e["query"] == "limit=1" and e["status"] == 200 and e["timestamp"]
    rv0 = int(sb.get("/api/v1/namespaces/default/pods").json()["metadata"]["resourceVersion"])
    r = sb.get("/api/v1/namespaces/default/pods", params={"watch": "true", "timeoutSeconds": "10"}, stream=True)
    time.sleep(0.2)
    t = time.time()
    sb.control("POST", "restart")
    r.content  # the stream ends at the restart
    assert time.time() - t < 3
    rv1 = int(sb.get("/api/v1/namespaces/default/pods").json()["metadata"]["resourceVersion"])
    assert rv1 >= rv0 + 1000
    r = sb.get("/api/v1/namespaces/default/pods", params={"watch": "true", "resourceVersion": str(rv0)}, stream=True)
    assert watch_lines(r, n=1)[0]["object"]["code"] == 410
    s = sb.control("POST", "settings", {"readyDelay": 0.3})
    assert s["readyDelay"] == 0.3


def test_write_latency_delays_writes_only(start_sandbox):
    """--write-latency models etcd's commit: every write waits, reads do not, and concurrent
    writes wait side by side (the wait uses no CPU, so 10 of them take about one latency)."""
    sb = start_sandbox("--write-latency", "0.3")
    started = time.monotonic()
    assert sb.get("/api/v1/namespaces/default/pods").status_code == 200
    read = time.monotonic() - started
    started = time.monotonic()
    sb.create_pod("default", "latency-one")
    write = time.monotonic() - started
    assert read < 0.25 <= 0.3 <= write, f"read {read:.3f} s, write {write:.3f} s"
    from concurrent.futures import ThreadPoolExecutor
    started = time.monotonic()
    with ThreadPoolExecutor(10) as pool:
        list(pool.map(lambda i: sb.create_pod("default", f"latency-{i}"), range(10)))
    together = time.monotonic() - started
    assert 0.3 <= together < 2.5, f"10 concurrent writes took {together:.2f} s: the latency is not waited side by side"
    assert len(sb.get("/api/v1/namespaces/default/pods").json()["items"]) == 11
