"""Sandbox objects have the same key structure as the objects a real kube-apiserver 1.36 returned."""
import time

from conftest import fixture, restricted_pod, watch_lines
from shapes import assert_same_shape, shape_diff


def session_pod(name):
    p = restricted_pod(name)
    p["spec"]["automountServiceAccountToken"] = False
    p["spec"]["containers"][0]["command"] = ["sleep", "3600"]
    p["metadata"]["labels"] = {"app.kubernetes.io/component": "session", "app.kubernetes.io/managed-by": "sortie"}
    return p


def test_shape_helper_detects_differences():
    assert shape_diff({"a": {"b": 1}}, {"a": {"b": 2}}) == []
    assert shape_diff({"a": {"b": 1}}, {"a": {"c": 1}}) == [".a.b: missing", ".a.c: unexpected"]
    assert shape_diff({"a": [{"x": None}]}, {"a": [{"x": "s"}]}) == [".a[].x: want null, got str"]


def test_pod_shapes(plain):
    ns = plain.namespace()
    r = plain.post(f"/api/v1/namespaces/{ns}/pods?fieldManager=sortiectl", session_pod("shape"))
    assert r.status_code == 201
    assert_same_shape(fixture("pod-create.json")["body"], r.json())
    dry = plain.post(f"/api/v1/namespaces/{ns}/pods?dryRun=All", session_pod("shape-dry"))
    assert_same_shape(fixture("pod-create-dryrun.json")["body"], dry.json(), ignore=("*.managedFields",))
    ready = plain.wait_pod(ns, "shape", lambda p: p["status"].get("phase") == "Running")
    assert_same_shape(fixture("pod-get-ready.json")["body"], ready)
    p = plain.patch(f"/api/v1/namespaces/{ns}/pods/shape",
                    {"metadata": {"annotations": {"sortie.io/last-activity": "2026-11-22T00:00:00Z"}}})
    assert_same_shape(fixture("pod-patch-merge.json")["body"], p.json(), ignore=("*.managedFields",))
    d = plain.delete(f"/api/v1/namespaces/{ns}/pods/shape", params={"gracePeriodSeconds": "1"})
    assert_same_shape(fixture("pod-delete.json")["body"], d.json(), ignore=("*.managedFields",))
    lst = plain.get(f"/api/v1/namespaces/{ns}/pods", params={"limit": "1"}).json()
    assert set(lst) == set(fixture("pod-list-page1.json")["body"])


def test_pullfail_pod_shape(plain):
    ns = plain.namespace()
    p = session_pod("pullfail")
    p["spec"]["containers"][0]["image"] = "registry.invalid/sortie/nope:1"
    p["metadata"]["annotations"] = {"sandbox.sortie.io/behavior": "pullfail"}
    plain.post(f"/api/v1/namespaces/{ns}/pods", p)
    got = plain.wait_pod(ns, "pullfail", lambda p: (p["status"].get("containerStatuses") or [{}])[0]
                         .get("state", {}).get("waiting", {}).get("reason") == "ErrImagePull", timeout=2)
    want = fixture("pod-get-pullfail.json")["body"]
    del got["metadata"]["annotations"]
    assert_same_shape(want, got, ignore=(".metadata.managedFields",))
    assert got["status"]["containerStatuses"][0]["state"]["waiting"]["message"] == \
        want["status"]["containerStatuses"][0]["state"]["waiting"]["message"]


def test_event_shapes(plain):
    ns = plain.namespace()
    plain.post(f"/api/v1/namespaces/{ns}/pods", session_pod("evshape"))
    plain.wait_pod(ns, "evshape", lambda p: p["status"].get("phase") == "Running")
    got = plain.get(f"/api/v1/namespaces/{ns}/events", params={"fieldSelector": "involvedObject.name=evshape"}).json()
    want = fixture("events-ready-pod.json")["body"]
    assert set(got) == set(want) and set(got["metadata"]) == set(want["metadata"])
    by_reason = {e["reason"]: e for e in got["items"]}
    wby = {e["reason"]: e for e in want["items"]}
    assert_same_shape(wby["Scheduled"], by_reason["Scheduled"])
    for reason in ("Pulled", "Created", "Started"):
        assert_same_shape(wby[reason], by_reason[reason])


def test_quota_lease_namespace_shapes(plain):
    ns = plain.namespace()
    q = {"apiVersion": "v1", "kind": "ResourceQuota", "metadata": {"name": "sortie-quota"},
         "spec": {"hard": {"limits.memory": "1Gi", "pods": "2", "requests.cpu": "1"}}}
    r = plain.post(f"/api/v1/namespaces/{ns}/resourcequotas", q)
    assert_same_shape(fixture("quota-create.json")["body"], r.json())
    time.sleep(0.1)
    got = plain.get(f"/api/v1/namespaces/{ns}/resourcequotas/sortie-quota").json()
    assert_same_shape(fixture("quota-get.json")["body"], got)
    lease = {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease", "metadata": {"name": "sortie-reaper"},
             "spec": {"holderIdentity": "replica-a", "leaseDurationSeconds": 15,
                      "acquireTime": "2026-11-22T00:00:00.000000Z", "renewTime": "2026-11-22T00:00:00.000000Z",
                      "leaseTransitions": 0}}
    r = plain.post(f"/apis/coordination.k8s.io/v1/namespaces/{ns}/leases", lease)
    assert_same_shape(fixture("lease-create.json")["body"], r.json())
    r = plain.post("/api/v1/namespaces", {"metadata": {"name": ns + "-x", "labels": {
        "pod-security.kubernetes.io/enforce": "restricted"}}})
    assert_same_shape(fixture("namespace-create.json")["body"], r.json())


def test_discovery_shapes(plain):
    for path, name in (("/version", "discovery-version.json"), ("/api", "discovery-api.json"),
                       ("/apis", "discovery-apis.json"), ("/api/v1", "discovery-api-v1.json")):
        want = fixture(name)["body"]
        got = plain.get(path).json()
        assert_same_shape(want, got, ignore=(".resources[]",))
    v1 = {r["name"]: r for r in plain.get("/api/v1").json()["resources"]}
    wv1 = {r["name"]: r for r in fixture("discovery-api-v1.json")["body"]["resources"]}
    for name in ("pods", "pods/log", "pods/portforward", "pods/status", "events", "namespaces",
                 "resourcequotas", "resourcequotas/status"):
        assert v1[name] == wv1[name], name
    groups = {g["name"]: g for g in plain.get("/apis").json()["groups"]}
    wg = {g["name"]: g for g in fixture("discovery-apis.json")["body"]["groups"]}
    assert groups["coordination.k8s.io"] == wg["coordination.k8s.io"]


def test_watch_event_shape(plain):
    ns = plain.namespace()
    r = plain.get(f"/api/v1/namespaces/{ns}/pods", params={"watch": "true", "timeoutSeconds": "3"}, stream=True)
    plain.post(f"/api/v1/namespaces/{ns}/pods?fieldManager=sortiectl", session_pod("wshape"))
    got = watch_lines(r, n=1)[0]
    want = fixture("watch-pods-stream.ndjson")[0]
    assert_same_shape(want, got)
