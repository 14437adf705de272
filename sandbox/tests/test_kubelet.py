"""The simulated kubelet: progression, timing, events, init containers and failure injection."""
import time


def _cond(p, t):
    return next((c for c in p["status"].get("conditions", []) if c["type"] == t), None)


def test_ready_exactly_after_delay_with_events(start_sandbox):
    sb = start_sandbox("--ready-delay", "1.0")
    t0 = time.time()
    sb.create_pod("default", "prog")
    time.sleep(0.5)
    mid = sb.pod("default", "prog")
    assert mid["spec"]["nodeName"] == "sandbox-node" and _cond(mid, "PodScheduled")["status"] == "True"
    assert _cond(mid, "Ready")["status"] == "False"
    p = sb.wait_pod("default", "prog", lambda p: (_cond(p, "Ready") or {}).get("status") == "True")
    elapsed = time.time() - t0
    assert 0.95 <= elapsed < 1.5, elapsed
    st = p["status"]
    assert st["phase"] == "Running" and st["podIP"].startswith("127.1.") and st["podIPs"] == [{"ip": st["podIP"]}]
    assert st["hostIP"] and st["startTime"] and st["qosClass"] == "Burstable"
    assert [c["type"] for c in st["conditions"]] == ["PodReadyToStartContainers", "Initialized", "Ready",
                                                     "ContainersReady", "PodScheduled"]
    cs = st["containerStatuses"][0]
    assert cs["ready"] and cs["started"] and cs["state"]["running"]["startedAt"]
    assert cs["imageID"].startswith("sha256:") and cs["containerID"].startswith("containerd://")
    evs = sb.get("/api/v1/namespaces/default/events", params={"fieldSelector": "involvedObject.name=prog"}).json()
    assert [e["reason"] for e in evs["items"]] == ["Scheduled", "Pulling", "Pulled", "Created", "Started"]
    assert evs["items"][1]["involvedObject"]["fieldPath"] == "spec.containers{app}"
    other = sb.create_pod("default", "prog2")
    sb.wait_pod("default", "prog2", lambda p: p["status"].get("podIP"))
    assert sb.pod("default", "prog2")["status"]["podIP"] != st["podIP"]
    state = sb.control("GET", "state")
    assert state["pods"]["Running"] >= 1


def test_sidecar_and_init_containers(plain):
    ns = plain.namespace()
    init = [{"name": "setup", "image": "busybox:1"},
            {"name": "vnc-sidecar", "image": "vnc:1", "restartPolicy": "Always"}]
    plain.create_pod(ns, "side", initContainers=init)
    p = plain.wait_pod(ns, "side", lambda p: (_cond(p, "Ready") or {}).get("status") == "True")
    ics = {c["name"]: c for c in p["status"]["initContainerStatuses"]}
    assert ics["setup"]["state"]["terminated"]["reason"] == "Completed"
    assert ics["vnc-sidecar"]["state"]["running"] and ics["vnc-sidecar"]["ready"]
    assert _cond(p, "Initialized")["status"] == "True"


def test_pullfail(plain):
    ns = plain.namespace()
    plain.create_pod(ns, "pf", image="registry.invalid/sortie/nope:1",
                     annotations={"sandbox.sortie.io/behavior": "pullfail"})
    p = plain.wait_pod(ns, "pf", lambda p: (p["status"].get("containerStatuses") or [{}])[0].get("state", {})
                       .get("waiting", {}).get("reason") == "ImagePullBackOff")
    assert p["status"]["phase"] == "Pending"
    evs = plain.get(f"/api/v1/namespaces/{ns}/events", params={"fieldSelector": "involvedObject.name=pf"}).json()
    msgs = [(e["reason"], e["message"]) for e in evs["items"]]
    assert [m[0] for m in msgs] == ["Scheduled", "Pulling", "Failed", "Failed", "BackOff", "Failed"]
    assert msgs[2][1].startswith('Failed to pull image "registry.invalid/sortie/nope:1": failed to pull and unpack')
    assert msgs[3][1] == "Error: ErrImagePull" and msgs[5][1] == "Error: ImagePullBackOff"
    plain.create_pod(ns, "pf2", image="example.com/pullfail:1")
    plain.wait_pod(ns, "pf2", lambda p: (p["status"].get("containerStatuses") or [{}])[0].get("state", {})
                   .get("waiting", {}).get("reason") in ("ErrImagePull", "ImagePullBackOff"))


def test_crash(plain):
    ns = plain.namespace()
    plain.create_pod(ns, "cr", annotations={"sandbox.sortie.io/behavior": "crash"})
    p = plain.wait_pod(ns, "cr", lambda p: (p["status"].get("containerStatuses") or [{}])[0].get("state", {})
                       .get("waiting", {}).get("reason") == "CrashLoopBackOff")
    cs = p["status"]["containerStatuses"][0]
    assert cs["restartCount"] == 1 and cs["lastState"]["terminated"]["exitCode"] == 1
    assert p["status"]["phase"] == "Running" and _cond(p, "Ready")["status"] == "False"
    plain.create_pod(ns, "cr2", image="x/crash:1", restartPolicy="Never")
    p = plain.wait_pod(ns, "cr2", lambda p: p["status"].get("phase") == "Failed")
    assert p["status"]["containerStatuses"][0]["state"]["terminated"]["reason"] == "Error"


def test_unschedulable(plain):
    ns = plain.namespace()
    plain.create_pod(ns, "un", annotations={"sandbox.sortie.io/behavior": "unschedulable"})
    p = plain.wait_pod(ns, "un", lambda p: _cond(p, "PodScheduled") is not None)
    c = _cond(p, "PodScheduled")
    assert c["status"] == "False" and c["reason"] == "Unschedulable"
    assert c["message"].startswith("0/1 nodes are available: 1 Insufficient cpu.")
    assert "nodeName" not in p["spec"] and p["status"]["phase"] == "Pending"
    time.sleep(0.1)
    evs = plain.get(f"/api/v1/namespaces/{ns}/events", params={"fieldSelector": "involvedObject.name=un"}).json()
    assert [(e["reason"], e["type"]) for e in evs["items"]] == [("FailedScheduling", "Warning")]
    # an unscheduled pod is deleted at once even with a grace period
    r = plain.delete(f"/api/v1/namespaces/{ns}/pods/un")
    assert r.status_code == 200 and plain.get(f"/api/v1/namespaces/{ns}/pods/un").status_code == 404


def test_dies_after_ready_and_never_ready(plain):
    ns = plain.namespace()
    plain.create_pod(ns, "die", annotations={"sandbox.sortie.io/behavior": "dies-after-ready",
                                            "sandbox.sortie.io/die-after": "0.4"})
    plain.wait_pod(ns, "die", lambda p: (_cond(p, "Ready") or {}).get("status") == "True")
    p = plain.wait_pod(ns, "die", lambda p: p["status"]["phase"] == "Failed")
    t = p["status"]["containerStatuses"][0]["state"]["terminated"]
    assert t["reason"] == "Error" and t["exitCode"] == 1
    plain.create_pod(ns, "nr", annotations={"sandbox.sortie.io/behavior": "never-ready"})
    p = plain.wait_pod(ns, "nr", lambda p: p["status"]["phase"] == "Running")
    time.sleep(0.4)
    p = plain.pod(ns, "nr")
    assert _cond(p, "Ready")["status"] == "False" and p["status"]["containerStatuses"][0]["started"]


def test_control_fail_and_ready(plain):
    ns = plain.namespace()
    plain.create_pod(ns, "cf", annotations={"sandbox.sortie.io/behavior": "never-ready"})
    p = plain.control("POST", f"pods/{ns}/cf/ready")
    assert _cond(p, "Ready")["status"] == "True"
    p = plain.control("POST", f"pods/{ns}/cf/fail", {"reason": "Evicted", "message": "boom"})
    assert p["status"]["phase"] == "Failed" and p["status"]["reason"] == "Evicted"
    plain.create_pod(ns, "nl")
    plain.wait_pod(ns, "nl", lambda p: p["status"]["phase"] == "Running")
    p = plain.control("POST", f"pods/{ns}/nl/fail", {"unknown": True})
    assert p["status"]["phase"] == "Unknown" and p["status"]["reason"] == "NodeLost"
