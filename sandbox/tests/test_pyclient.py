"""The Python `kubernetes` client (37) against the sandbox over TLS."""
import os
import threading
import time

import pytest
from kubernetes import client, config, watch
from kubernetes.stream import portforward

from conftest import pod_manifest


@pytest.fixture(scope="module")
def v1(tls):
    api = config.new_client_from_config(tls.kubeconfig)
    yield client.CoreV1Api(api)
    api.close()


def test_list_with_label_selector(tls, v1):
    ns = tls.namespace()
    v1.create_namespaced_pod(ns, pod_manifest("a1"))
    other = pod_manifest("b1")
    other["metadata"]["labels"] = {"app": "y", "tier": "web"}
    v1.create_namespaced_pod(ns, other)
    assert [p.metadata.name for p in v1.list_namespaced_pod(ns, label_selector="app=x").items] == ["a1"]
    assert [p.metadata.name for p in v1.list_namespaced_pod(ns, label_selector="app in (x,y)").items] == ["a1", "b1"]
    assert [p.metadata.name for p in v1.list_namespaced_pod(ns, label_selector="tier").items] == ["b1"]
    assert [p.metadata.name for p in v1.list_namespaced_pod(ns, label_selector="!tier").items] == ["a1"]
    assert [p.metadata.name for p in v1.list_namespaced_pod(ns, label_selector="app notin (x)").items] == ["b1"]
    assert [p.metadata.name for p in v1.list_namespaced_pod(ns, field_selector="metadata.name!=a1").items] == ["b1"]
    names = {p.metadata.name for p in v1.list_pod_for_all_namespaces(label_selector="app=x").items}
    assert "a1" in names


def test_watch_added_modified_deleted(tls, v1):
    ns = tls.namespace()
    seen = []

    def run():
        w = watch.Watch()
        for ev in w.stream(v1.list_namespaced_pod, ns, timeout_seconds=6):
            seen.append((ev["type"], ev["object"].metadata.name, ev["object"].status.phase))
            if ev["type"] == "DELETED":
                w.stop()

    t = threading.Thread(target=run)
    t.start()
    time.sleep(0.3)
    v1.create_namespaced_pod(ns, pod_manifest("w1"))
    deadline = time.time() + 5
    while time.time() < deadline and not any(s[2] == "Running" for s in seen):
        time.sleep(0.05)
    v1.delete_namespaced_pod("w1", ns)
    t.join(10)
    types = [s[0] for s in seen]
    assert types[0] == "ADDED" and "MODIFIED" in types and types[-1] == "DELETED"
    assert any(s[2] == "Running" for s in seen)


def test_create_error_paths(tls, v1):
    ns = tls.namespace()
    v1.create_namespaced_pod(ns, pod_manifest("dup"))
    with pytest.raises(client.ApiException) as e:
        v1.create_namespaced_pod(ns, pod_manifest("dup"))
    assert e.value.status == 409 and e.value.reason == "Conflict" and '"AlreadyExists"' in e.value.body
    with pytest.raises(client.ApiException) as e:
        v1.create_namespaced_pod(ns, pod_manifest("Bad_Name!"))
    assert e.value.status == 422 and '"reason":"Invalid"' in e.value.body
    with pytest.raises(client.ApiException) as e:
        v1.create_namespaced_pod("no-such-ns", pod_manifest("x"))
    assert e.value.status == 404 and 'namespaces \\"no-such-ns\\" not found' in e.value.body
    with pytest.raises(client.ApiException) as e:
        v1.read_namespaced_pod("missing", ns)
    assert e.value.status == 404 and e.value.reason == "Not Found"
    v1.create_namespaced_resource_quota(ns, {"metadata": {"name": "q"}, "spec": {"hard": {"pods": "1"}}})
    with pytest.raises(client.ApiException) as e:
        v1.create_namespaced_pod(ns, pod_manifest("over"))
    assert e.value.status == 403 and "exceeded quota: q, requested: pods=1, used: pods=1, limited: pods=1" in e.value.body


def test_portforward_echo(tls, v1):
    ns = tls.namespace()
    v1.create_namespaced_pod(ns, pod_manifest("pf"))
    tls.wait_pod(ns, "pf", lambda p: p["status"].get("phase") == "Running")
    pf = portforward(v1.connect_get_namespaced_pod_portforward, "pf", ns, ports="5900")
    sock = pf.socket(5900)
    sock.setblocking(True)
    payload = os.urandom(300_000)
    sock.sendall(payload)
    got = bytearray()
    while len(got) < len(payload):
        chunk = sock.recv(65536)
        assert chunk
        got += chunk
    assert bytes(got) == payload
    sock.close()
    pf.close()
