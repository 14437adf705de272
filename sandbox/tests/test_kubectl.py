"""The real kubectl 1.34 against the sandbox (no --validate=false anywhere)."""
import json
import subprocess
import time

from conftest import KUBECTL

MANIFEST = """apiVersion: v1
kind: Pod
metadata:
  name: {name}
  namespace: {ns}
  labels: {{app: x}}
spec:
  containers:
  - name: app
    image: nginx:1.27
"""


def _write(tmp_path, name, ns):
    p = tmp_path / f"{name}.yaml"
    p.write_text(MANIFEST.format(name=name, ns=ns))
    return str(p)


def test_kubectl_create_get_watch_delete(plain, tmp_path):
    ns = plain.namespace()
    watch = subprocess.Popen([KUBECTL, "--kubeconfig", plain.kubeconfig, "-n", ns, "get", "pods", "--watch",
                              "--request-timeout=4s"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(0.5)
    out = plain.kubectl("create", "-f", _write(tmp_path, "kc1", ns)).stdout
    assert "pod/kc1 created" in out
    plain.wait_pod(ns, "kc1", lambda p: p["status"].get("phase") == "Running")
    got = json.loads(plain.kubectl("-n", ns, "get", "pods", "-l", "app=x", "-o", "json").stdout)
    assert got["kind"] == "List" and [i["metadata"]["name"] for i in got["items"]] == ["kc1"]
    assert got["items"][0]["status"]["phase"] == "Running"
    assert json.loads(plain.kubectl("-n", ns, "get", "pods", "-l", "app!=x", "-o", "json").stdout)["items"] == []
    table = plain.kubectl("-n", ns, "get", "pods").stdout.splitlines()
    assert table[0].split() == ["NAME", "READY", "STATUS", "RESTARTS", "AGE"]
    assert table[1].split()[:4] == ["kc1", "1/1", "Running", "0"]
    wide = plain.kubectl("-n", ns, "get", "pods", "-o", "wide").stdout.splitlines()
    assert wide[0].split()[5:7] == ["IP", "NODE"] and "sandbox-node" in wide[1] and "127.1." in wide[1]
    out = plain.kubectl("-n", ns, "delete", "pod", "kc1", "--wait=true").stdout
    assert 'pod "kc1" deleted' in out
    wout, werr = watch.communicate(timeout=15)
    lines = [l.split() for l in wout.splitlines()]
    assert lines[0][:3] == ["NAME", "READY", "STATUS"]
    assert any(l[0] == "kc1" and l[2] == "Running" for l in lines[1:])
    assert any(l[0] == "kc1" and l[2] == "Terminating" for l in lines[1:])
    assert plain.get(f"/api/v1/namespaces/{ns}/pods/kc1").status_code == 404


def test_kubectl_chunked_list(plain, tmp_path):
    ns = plain.namespace()
    for i in range(5):
        plain.kubectl("create", "-f", _write(tmp_path, f"chunk{i}", ns))
    r = plain.kubectl("-n", ns, "get", "pods", "-o", "json", "--chunk-size=2", "-v=6")
    names = [i["metadata"]["name"] for i in json.loads(r.stdout)["items"]]
    assert names == [f"chunk{i}" for i in range(5)]
    requests_made = [l for l in r.stderr.splitlines() if "GET" in l and f"/namespaces/{ns}/pods" in l]
    assert len(requests_made) == 3 and sum("continue=" in l for l in requests_made) == 2


def test_kubectl_strict_validation_and_events(plain, tmp_path):
    ns = plain.namespace()
    bad = tmp_path / "bad.yaml"
    bad.write_text(MANIFEST.format(name="kcbad", ns=ns) + "  bogusField: 1\n")
    r = plain.kubectl("create", "-f", str(bad), check=False)
    assert r.returncode != 0 and 'unknown field "spec.bogusField"' in r.stderr
    plain.kubectl("create", "-f", _write(tmp_path, "kcev", ns))
    plain.wait_pod(ns, "kcev", lambda p: p["status"].get("phase") == "Running")
    ev = plain.kubectl("-n", ns, "get", "events", "--field-selector", "involvedObject.name=kcev").stdout
    for reason in ("Scheduled", "Pulling", "Pulled", "Created", "Started"):
        assert reason in ev
