"""Raw HTTP checks of the REST semantics: lists, pagination, watches, 410s, dry run, validation,
admission, patch/replace/conflicts, deletion."""
import base64
import json
import threading
import time

from conftest import fixture, pod_manifest, restricted_pod, watch_lines


def test_pagination_continue_tokens(plain):
    ns = plain.namespace()
    for i in range(5):
        plain.create_pod(ns, f"p{i}")
    r = plain.get(f"/api/v1/namespaces/{ns}/pods", params={"limit": 2}).json()
    assert [i["metadata"]["name"] for i in r["items"]] == ["p0", "p1"]
    assert r["metadata"]["remainingItemCount"] == 3
    tok = json.loads(base64.urlsafe_b64decode(r["metadata"]["continue"] + "=="))
    assert tok == {"v": "meta.k8s.io/v1", "rv": int(r["metadata"]["resourceVersion"]), "start": "p1\u0000"}
    names = [i["metadata"]["name"] for i in r["items"]]
    while r["metadata"].get("continue"):
        r = plain.get(f"/api/v1/namespaces/{ns}/pods", params={"limit": 2,
                                                              "continue": r["metadata"]["continue"]}).json()
        names += [i["metadata"]["name"] for i in r["items"]]
    assert names == [f"p{i}" for i in range(5)]
    assert "remainingItemCount" not in r["metadata"]
    bad = plain.get(f"/api/v1/namespaces/{ns}/pods", params={"limit": 2, "continue": "garbage!"})
    assert bad.status_code == 400 and bad.json()["reason"] == "BadRequest"


def test_list_selectors_and_all_namespaces(plain):
    ns = plain.namespace()
    plain.create_pod(ns, "s1")
    plain.create_pod(ns, "s2", image="nope-pullfail:1")
    plain.wait_pod(ns, "s1", lambda p: p["status"].get("phase") == "Running")
    r = plain.get(f"/api/v1/namespaces/{ns}/pods", params={"fieldSelector": "status.phase=Running"}).json()
    assert [i["metadata"]["name"] for i in r["items"]] == ["s1"]
    r = plain.get(f"/api/v1/namespaces/{ns}/pods", params={"fieldSelector": "status.phase!=Running"}).json()
    assert [i["metadata"]["name"] for i in r["items"]] == ["s2"]
    r = plain.get("/api/v1/pods", params={"fieldSelector": f"metadata.namespace=={ns},spec.nodeName=sandbox-node"})
    assert sorted(i["metadata"]["name"] for i in r.json()["items"]) == ["s1", "s2"]
    assert all("kind" not in i for i in r.json()["items"])


def test_list_410_exact_and_watch_410_in_stream(start_sandbox):
    sb = start_sandbox("--ready-delay", "0.1")
    sb.create_pod("default", "old")
    r = sb.get("/api/v1/namespaces/default/pods", params={"resourceVersion": "1", "resourceVersionMatch": "Exact"})
    assert r.status_code == 410
    assert r.json() == fixture("error-410-gone-list.json")["body"]
    rv = sb.get("/api/v1/namespaces/default/pods").json()["metadata"]["resourceVersion"]
    ok = sb.get("/api/v1/namespaces/default/pods", params={"resourceVersion": rv, "resourceVersionMatch": "Exact"})
    assert ok.status_code == 200 and [i["metadata"]["name"] for i in ok.json()["items"]] == ["old"]
    sb.control("POST", "compact")
    r = sb.get("/api/v1/namespaces/default/pods", params={"watch": "true", "resourceVersion": "1"}, stream=True)
    assert r.status_code == 200
    events = watch_lines(r, n=1)
    want = fixture("watch-too-old-resourceversion.ndjson")[0]
    assert events[0]["type"] == "ERROR" and events[0]["object"]["code"] == 410
    assert set(events[0]["object"]) == set(want["object"])
    assert events[0]["object"]["message"].startswith("too old resource version: 1 (")
    sb.create_pod("default", "newer")  # moves the resourceVersion past the compaction point
    r = sb.get("/api/v1/namespaces/default/pods", params={"resourceVersion": str(int(rv) - 1),
                                                          "resourceVersionMatch": "Exact"})
    assert r.status_code == 410


def test_watch_resume_from_resource_version_and_bookmarks(plain):
    ns = plain.namespace()
    plain.control("POST", "settings", {"bookmarkInterval": 0.3})
    try:
        rv = plain.get(f"/api/v1/namespaces/{ns}/pods").json()["metadata"]["resourceVersion"]
        plain.create_pod(ns, "r1")
        r = plain.get(f"/api/v1/namespaces/{ns}/pods", params={"watch": "1", "resourceVersion": rv,
                                                              "allowWatchBookmarks": "true",
                                                              "timeoutSeconds": "3"}, stream=True)
        assert r.headers["Content-Type"] == "application/json"
        assert r.headers.get("Transfer-Encoding") == "chunked"
        events = watch_lines(r, until=lambda e: e["type"] == "BOOKMARK")
        assert events[0]["type"] == "ADDED" and events[0]["object"]["metadata"]["name"] == "r1"
        assert events[0]["object"]["kind"] == "Pod"
        bm = events[-1]["object"]
        want = fixture("watch-pods-stream.ndjson")[-1]["object"]
        assert set(bm) == set(want) and set(bm["metadata"]) == {"resourceVersion"}
        assert int(bm["metadata"]["resourceVersion"]) >= int(events[-2]["object"]["metadata"]["resourceVersion"])
        r.close()
        # sendInitialEvents: initial ADDED then a bookmark annotated initial-events-end
        r = plain.get(f"/api/v1/namespaces/{ns}/pods", params={"watch": "1", "sendInitialEvents": "true",
                                                              "resourceVersionMatch": "NotOlderThan",
                                                              "allowWatchBookmarks": "true", "timeoutSeconds": "2"},
                      stream=True)
        events = watch_lines(r, until=lambda e: e["type"] == "BOOKMARK")
        assert events[0]["type"] == "ADDED"
        assert events[-1]["object"]["metadata"]["annotations"] == {"k8s.io/initial-events-end": "true"}
        r.close()
    finally:
        plain.control("POST", "settings", {"bookmarkInterval": 5})


def test_watch_timeout_closes_cleanly(plain):
    ns = plain.namespace()
    t = time.time()
    r = plain.get(f"/api/v1/namespaces/{ns}/pods", params={"watch": "true", "timeoutSeconds": "1"}, stream=True)
    assert r.content == b""
    assert 0.9 < time.time() - t < 3


def test_dry_run_does_not_persist(plain):
    ns = plain.namespace()
    r = plain.post(f"/api/v1/namespaces/{ns}/pods?dryRun=All", pod_manifest("dry"))
    assert r.status_code == 201
    body = r.json()
    assert "resourceVersion" not in body["metadata"] and body["metadata"]["uid"]
    assert body["spec"]["dnsPolicy"] == "ClusterFirst"
    assert plain.get(f"/api/v1/namespaces/{ns}/pods/dry").status_code == 404
    assert plain.get(f"/api/v1/namespaces/{ns}/events").json()["items"] == []


def test_strict_field_validation(plain):
    ns = plain.namespace()
    pod = pod_manifest("strict")
    pod["spec"]["bogusField"] = True
    r = plain.post(f"/api/v1/namespaces/{ns}/pods?fieldValidation=Strict", pod)
    assert r.status_code == 400
    want = fixture("error-400-strict-unknown-field.json")["body"]
    assert r.json() == want
    pod["spec"]["containers"][0]["bogus"] = 1
    r = plain.post(f"/api/v1/namespaces/{ns}/pods?fieldValidation=Strict", pod)
    assert 'unknown field "spec.containers[0].bogus"' in r.json()["message"]
    r = plain.post(f"/api/v1/namespaces/{ns}/pods?fieldValidation=Warn", pod)
    assert r.status_code == 201 and "unknown field" in r.headers["Warning"]
    assert "bogusField" not in r.json()["spec"]


def test_invalid_pods_422(plain):
    ns = plain.namespace()
    r = plain.post(f"/api/v1/namespaces/{ns}/pods", pod_manifest("Bad_Name!"))
    assert r.status_code == 422
    assert r.json() == fixture("error-422-invalid.json")["body"]
    r = plain.post(f"/api/v1/namespaces/{ns}/pods", {"metadata": {"name": "nocont"}, "spec": {"containers": []}})
    assert r.status_code == 422 and r.json()["details"]["causes"][0]["field"] == "spec.containers"
    r = plain.post(f"/api/v1/namespaces/{ns}/pods", {"metadata": {"name": "noimg"},
                                                    "spec": {"containers": [{"name": "a"}]}})
    assert r.status_code == 422 and r.json()["message"] == 'Pod "noimg" is invalid: spec.containers[0].image: Required value'


def test_missing_namespace_and_unknown_paths(plain):
    r = plain.post("/api/v1/namespaces/nope/pods", pod_manifest("x"))
    assert r.status_code == 404 and r.json()["message"] == 'namespaces "nope" not found'
    assert r.json()["details"] == {"name": "nope", "kind": "namespaces"}
    r = plain.get("/api/v1/namespaces/default/pods/does-not-exist")
    assert r.status_code == 404
    want = fixture("error-404-notfound.json")["body"]
    assert r.json() == dict(want)
    r = plain.get("/api/v1/widgets")
    assert r.status_code == 404 and r.json()["kind"] == "Status"
    r = plain.put("/api/v1/namespaces/default/pods", {})
    assert r.status_code == 405 and r.json()["reason"] == "MethodNotAllowed"
    for h in ("Audit-Id", "Cache-Control", "Content-Type"):
        assert h in r.headers
    assert r.headers["Cache-Control"] == "no-cache, private"


def test_generate_name_and_defaults(plain):
    ns = plain.namespace()
    r = plain.post(f"/api/v1/namespaces/{ns}/pods", {"metadata": {"generateName": "gen-"},
                                                    "spec": {"containers": [{"name": "a", "image": "busybox"}]}})
    p = r.json()
    assert r.status_code == 201 and p["metadata"]["name"].startswith("gen-") and len(p["metadata"]["name"]) == 9
    spec = p["spec"]
    assert spec["restartPolicy"] == "Always" and spec["schedulerName"] == "default-scheduler"
    assert spec["terminationGracePeriodSeconds"] == 30 and spec["enableServiceLinks"] is True
    assert spec["priority"] == 0 and spec["preemptionPolicy"] == "PreemptLowerPriority"
    assert len(spec["tolerations"]) == 2 and spec["serviceAccountName"] == "default"
    c = spec["containers"][0]
    assert c["imagePullPolicy"] == "Always" and c["terminationMessagePath"] == "/dev/termination-log"
    assert p["status"] == {"phase": "Pending", "qosClass": "BestEffort"}
    assert p["metadata"]["generation"] == 1 and p["metadata"]["managedFields"][0]["manager"] == "python-requests"


def test_patch_replace_conflict_status(plain):
    ns = plain.namespace()
    plain.create_pod(ns, "pt")
    p = plain.patch(f"/api/v1/namespaces/{ns}/pods/pt", {"metadata": {"annotations": {"a": "1"}}}).json()
    assert p["metadata"]["annotations"] == {"a": "1"}
    p = plain.patch(f"/api/v1/namespaces/{ns}/pods/pt", {"metadata": {"labels": {"b": "2"}}},
                    "application/strategic-merge-patch+json").json()
    assert p["metadata"]["labels"] == {"app": "x", "b": "2"}
    p = plain.patch(f"/api/v1/namespaces/{ns}/pods/pt", [{"op": "remove", "path": "/metadata/annotations/a"}],
                    "application/json-patch+json").json()
    assert p["metadata"].get("annotations", {}) == {}
    stale = dict(p)
    stale["metadata"] = dict(p["metadata"], resourceVersion="1")
    r = plain.put(f"/api/v1/namespaces/{ns}/pods/pt", stale)
    assert r.status_code == 409 and r.json()["reason"] == "Conflict"
    assert r.json()["message"].startswith('Operation cannot be fulfilled on pods "pt": the object has been modified')
    cur = plain.pod(ns, "pt")
    cur["metadata"]["labels"]["c"] = "3"
    r = plain.put(f"/api/v1/namespaces/{ns}/pods/pt", cur)
    assert r.status_code == 200 and r.json()["metadata"]["labels"]["c"] == "3"
    st = plain.get(f"/api/v1/namespaces/{ns}/pods/pt/status").json()
    st["status"]["conditions"] = [{"type": "Custom", "status": "True"}]
    r = plain.put(f"/api/v1/namespaces/{ns}/pods/pt/status", st)
    assert r.status_code == 200 and r.json()["status"]["conditions"] == [{"type": "Custom", "status": "True"}]
    r = plain.patch(f"/api/v1/namespaces/{ns}/pods/pt/status", {"status": {"message": "hi"}})
    assert r.json()["status"]["message"] == "hi"


def test_quota_admission_and_usage(plain):
    ns = plain.namespace()
    q = {"apiVersion": "v1", "kind": "ResourceQuota", "metadata": {"name": "sortie-quota"},
         "spec": {"hard": {"limits.memory": "1Gi", "pods": "2", "requests.cpu": "1"}}}
    r = plain.post(f"/api/v1/namespaces/{ns}/resourcequotas", q)
    assert r.status_code == 201 and r.json()["status"] == {}
    plain.create_pod(ns, "q1")
    plain.create_pod(ns, "q2")
    r = plain.post(f"/api/v1/namespaces/{ns}/pods", pod_manifest("over-quota"))
    assert r.status_code == 403
    assert r.json() == fixture("error-403-exceeded-quota.json")["body"]
    time.sleep(0.1)
    got = plain.get(f"/api/v1/namespaces/{ns}/resourcequotas/sortie-quota").json()
    assert got["status"] == fixture("quota-get.json")["body"]["status"]
    plain.delete(f"/api/v1/namespaces/{ns}/pods/q1")  # terminating pods release their usage
    r = plain.post(f"/api/v1/namespaces/{ns}/pods", pod_manifest("fits-now"))
    assert r.status_code == 201, r.text
    big = pod_manifest("big")
    big["spec"]["containers"][0]["resources"] = {"requests": {"cpu": "2"}, "limits": {"memory": "64Mi"}}
    plain.delete(f"/api/v1/namespaces/{ns}/pods/q2", params={"gracePeriodSeconds": "0"})
    r = plain.post(f"/api/v1/namespaces/{ns}/pods", big)
    assert r.status_code == 403
    assert "exceeded quota: sortie-quota, requested: requests.cpu=2, used: requests.cpu=10m, limited: requests.cpu=1" \
        in r.json()["message"]


def test_pod_security_restricted(start_sandbox):
    sb = start_sandbox("--pod-security", "restricted", "--ready-delay", "0.1")
    bad = pod_manifest("privileged-one")
    bad["spec"]["containers"][0]["securityContext"] = {"privileged": True}
    r = sb.post("/api/v1/namespaces/default/pods", bad)
    assert r.status_code == 403
    assert r.json() == fixture("error-403-podsecurity.json")["body"]
    r = sb.post("/api/v1/namespaces/default/pods", restricted_pod("good"))
    assert r.status_code == 201, r.text
    hp = restricted_pod("hostpath")
    hp["spec"]["volumes"] = [{"name": "h", "hostPath": {"path": "/"}}]
    hp["spec"]["hostNetwork"] = True
    r = sb.post("/api/v1/namespaces/default/pods", hp)
    assert r.status_code == 403 and "host namespaces (hostNetwork=true)" in r.json()["message"]
    assert 'hostPath volumes (volume "h")' in r.json()["message"]


def test_namespace_label_enforces_pod_security(plain):
    r = plain.post("/api/v1/namespaces", {"metadata": {"name": "psa-restricted", "labels": {
        "pod-security.kubernetes.io/enforce": "restricted"}}})
    assert r.status_code == 201
    assert r.json()["metadata"]["labels"]["kubernetes.io/metadata.name"] == "psa-restricted"
    r = plain.post("/api/v1/namespaces/psa-restricted/pods", pod_manifest("root"))
    assert r.status_code == 403 and 'violates PodSecurity "restricted:latest"' in r.json()["message"]


def test_graceful_deletion_in_watch(plain):
    ns = plain.namespace()
    plain.create_pod(ns, "gd")
    plain.wait_pod(ns, "gd", lambda p: p["status"].get("phase") == "Running")
    r = plain.get(f"/api/v1/namespaces/{ns}/pods", params={"watch": "true", "timeoutSeconds": "5"}, stream=True)
    got = []
    t = threading.Thread(target=lambda: got.extend(watch_lines(r, until=lambda e: e["type"] == "DELETED")))
    t.start()
    time.sleep(0.2)
    d = plain.delete(f"/api/v1/namespaces/{ns}/pods/gd")
    assert d.status_code == 200
    body = d.json()
    assert body["kind"] == "Pod" and body["metadata"]["deletionGracePeriodSeconds"] == 30
    assert body["metadata"]["deletionTimestamp"] and body["metadata"]["generation"] == 2
    t.join(6)
    types = [e["type"] for e in got]
    assert types[0] == "ADDED" and types[-1] == "DELETED"
    mods = [e for e in got[1:-1] if e["type"] == "MODIFIED"]
    assert mods and mods[0]["object"]["metadata"]["deletionTimestamp"]
    assert plain.get(f"/api/v1/namespaces/{ns}/pods/gd").status_code == 404
    r = plain.delete(f"/api/v1/namespaces/{ns}/pods/gd")
    assert r.status_code == 404 and r.json()["details"] == {"name": "gd", "kind": "pods"}


def test_delete_immediate_and_collection(plain):
    ns = plain.namespace()
    for n in ("c1", "c2", "c3"):
        plain.create_pod(ns, n)
    plain.patch(f"/api/v1/namespaces/{ns}/pods/c3", {"metadata": {"labels": {"keep": "yes"}}})
    r = plain.session.delete(plain.url + f"/api/v1/namespaces/{ns}/pods/c1",
                             json={"kind": "DeleteOptions", "apiVersion": "v1", "gracePeriodSeconds": 0})
    assert r.status_code == 200 and plain.get(f"/api/v1/namespaces/{ns}/pods/c1").status_code == 404
    r = plain.delete(f"/api/v1/namespaces/{ns}/pods", params={"labelSelector": "!keep", "gracePeriodSeconds": "0"})
    assert r.status_code == 200 and [i["metadata"]["name"] for i in r.json()["items"]] == ["c2"]
    assert [i["metadata"]["name"] for i in plain.get(f"/api/v1/namespaces/{ns}/pods").json()["items"]] == ["c3"]
    r = plain.delete(f"/api/v1/namespaces/{ns}/pods/c3", params={"dryRun": "All"})
    assert r.status_code == 200 and plain.get(f"/api/v1/namespaces/{ns}/pods/c3").status_code == 200


def test_leases_optimistic_concurrency(plain):
    ns = plain.namespace()
    base = f"/apis/coordination.k8s.io/v1/namespaces/{ns}/leases"
    lease = {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease", "metadata": {"name": "sortie-reaper"},
             "spec": {"holderIdentity": "replica-a", "leaseDurationSeconds": 15,
                      "acquireTime": "2026-11-22T00:00:00.000000Z", "renewTime": "2026-11-22T00:00:00.000000Z",
                      "leaseTransitions": 0}}
    r = plain.post(base, lease)
    assert r.status_code == 201
    created = r.json()
    assert created["spec"] == lease["spec"] and "generation" not in created["metadata"]
    upd = json.loads(json.dumps(created))
    upd["spec"]["holderIdentity"] = "replica-b"
    assert plain.put(f"{base}/sortie-reaper", upd).status_code == 200
    r = plain.put(f"{base}/sortie-reaper", upd)  # stale resourceVersion now
    assert r.status_code == 409
    assert r.json() == fixture("error-409-conflict-lease.json")["body"]
    r = plain.post(base, lease)
    assert r.status_code == 409 and r.json()["reason"] == "AlreadyExists"
    r = plain.delete(f"{base}/sortie-reaper")
    assert r.status_code == 200 and r.json()["status"] == "Success"
    assert r.json()["details"]["group"] == "coordination.k8s.io"


def test_pod_logs(plain):
    ns = plain.namespace()
    plain.create_pod(ns, "lg")
    r = plain.get(f"/api/v1/namespaces/{ns}/pods/lg/log")
    assert r.status_code == 400 and "is waiting to start" in r.json()["message"]
    plain.wait_pod(ns, "lg", lambda p: p["status"].get("phase") == "Running")
    r = plain.get(f"/api/v1/namespaces/{ns}/pods/lg/log", params={"container": "app"})
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/plain")
    lines = r.text.splitlines()
    assert len(lines) >= 3 and "starting container app" in lines[0]
    r = plain.get(f"/api/v1/namespaces/{ns}/pods/lg/log", params={"tailLines": "1", "timestamps": "true"})
    assert len(r.text.splitlines()) == 1 and r.text[:4].isdigit()
    r = plain.get(f"/api/v1/namespaces/{ns}/pods/lg/log", params={"container": "nope"})
    assert r.status_code == 400
    # follow ends when the pod is gone
    r = plain.get(f"/api/v1/namespaces/{ns}/pods/lg/log", params={"follow": "true"}, stream=True)
    threading.Timer(0.5, lambda: plain.delete(f"/api/v1/namespaces/{ns}/pods/lg")).start()
    t = time.time()
    body = r.content
    assert b"starting container app" in body and time.time() - t < 5


def test_events_watch_and_field_selectors(plain):
    ns = plain.namespace()
    r = plain.get(f"/api/v1/namespaces/{ns}/events", params={"watch": "true", "timeoutSeconds": "4"}, stream=True)
    p = plain.create_pod(ns, "evw")
    events = watch_lines(r, until=lambda e: e["object"].get("reason") == "Started")
    assert [e["object"]["reason"] for e in events][:5] == ["Scheduled", "Pulling", "Pulled", "Created", "Started"]
    r.close()
    uid = p["metadata"]["uid"]
    for sel in (f"involvedObject.name=evw", f"involvedObject.uid={uid}", "involvedObject.kind=Pod"):
        items = plain.get(f"/api/v1/namespaces/{ns}/events", params={"fieldSelector": sel}).json()["items"]
        assert len(items) == 5, sel
    assert plain.get(f"/api/v1/namespaces/{ns}/events",
                     params={"fieldSelector": "involvedObject.name=other"}).json()["items"] == []


def test_table_output(plain):
    ns = plain.namespace()
    plain.create_pod(ns, "tb")
    r = plain.get(f"/api/v1/namespaces/{ns}/pods",
                  headers={"Accept": "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"})
    t = r.json()
    assert t["kind"] == "Table" and t["apiVersion"] == "meta.k8s.io/v1"
    assert [c["name"] for c in t["columnDefinitions"]][:5] == ["Name", "Ready", "Status", "Restarts", "Age"]
    assert t["rows"][0]["cells"][0] == "tb" and t["rows"][0]["object"]["kind"] == "PartialObjectMetadata"


def test_http_keepalive_reuses_connection(plain):
    s = plain.new_session()
    for _ in range(5):
        r = s.get(plain.url + "/api/v1/namespaces/default/pods")
        assert r.status_code == 200
    assert len(s.adapters["http://"].poolmanager.pools) == 1
    pool = list(s.adapters["http://"].poolmanager.pools._container.values())[0]
    assert pool.num_connections == 1
