"""Fixtures: start bin/sortie-sandbox as a subprocess (plain HTTP or TLS) on port 0 and talk to it."""
import base64
import json
import os
import signal
import subprocess
import time
import uuid

import pytest
import requests
import yaml

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
LAUNCHER = os.path.join(REPO, "bin", "sortie-sandbox")
KUBECTL = os.path.join(REPO, ".tools", "bin", "kubectl")
FIXTURES = os.path.join(REPO, "Tests", "Fixtures", "kube-1.36")


def fixture(name):
    with open(os.path.join(FIXTURES, name)) as f:
        if name.endswith(".ndjson"):
            return [json.loads(line) for line in f if line.strip()]
        return json.load(f)


class Sandbox:
    def __init__(self, tmp, args):
        self.dir = tmp
        self.kubeconfig = os.path.join(tmp, "kubeconfig")
        self.args = args
        self.tls = "--tls" in args
        self.log = open(os.path.join(tmp, "stderr.log"), "wb")
        self.proc = subprocess.Popen([LAUNCHER, "--address", "127.0.0.1:0", "--kubeconfig-out", self.kubeconfig,
                                      *args], stdout=subprocess.PIPE, stderr=self.log, cwd="/")
        line = self.proc.stdout.readline().decode().strip()
        if not line.startswith("http"):
            self.stop()
            raise RuntimeError(f"sandbox did not print its URL: {line!r}: "
                               f"{open(os.path.join(tmp, 'stderr.log')).read()}")
        self.url = line
        self.session = self.new_session(cert=True)

    def new_session(self, cert=True, token=None):
        s = requests.Session()
        s.trust_env = False
        if self.tls:
            s.verify = os.path.join(self.kubeconfig + ".d", "ca.crt")
            if cert:
                s.cert = (os.path.join(self.kubeconfig + ".d", "client.crt"),
                          os.path.join(self.kubeconfig + ".d", "client.key"))
        if token:
            s.headers["Authorization"] = f"Bearer {token}"
        return s

    # convenience wrappers -------------------------------------------------------------------
    def get(self, path, **kw):
        return self.session.get(self.url + path, **kw)

    def post(self, path, body=None, **kw):
        return self.session.post(self.url + path, json=body, **kw)

    def put(self, path, body=None, **kw):
        return self.session.put(self.url + path, json=body, **kw)

    def patch(self, path, body, ctype="application/merge-patch+json", **kw):
        return self.session.patch(self.url + path, data=json.dumps(body), headers={"Content-Type": ctype}, **kw)

    def delete(self, path, **kw):
        return self.session.delete(self.url + path, **kw)

    def control(self, method, path, body=None):
        r = self.session.request(method, self.url + "/sandbox/" + path, json=body)
        assert r.status_code < 300, r.text
        return r.json()

    def namespace(self):
        name = "t-" + uuid.uuid4().hex[:10]
        r = self.post("/api/v1/namespaces", {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}})
        assert r.status_code == 201, r.text
        return name

    def create_pod(self, ns, name, image="registry.example/app:1", annotations=None, **spec_extra):
        pod = pod_manifest(name, image, annotations, **spec_extra)
        r = self.post(f"/api/v1/namespaces/{ns}/pods", pod)
        assert r.status_code == 201, r.text
        return r.json()

    def pod(self, ns, name):
        return self.get(f"/api/v1/namespaces/{ns}/pods/{name}").json()

    def wait_pod(self, ns, name, pred, timeout=5.0):
        deadline = time.time() + timeout
        while time.time() < deadline:
            p = self.pod(ns, name)
            if pred(p):
                return p
            time.sleep(0.05)
        raise AssertionError(f"pod {ns}/{name} never satisfied the condition: {json.dumps(p)[:2000]}")

    def kubectl(self, *args, timeout=30, check=True):
        r = subprocess.run([KUBECTL, "--kubeconfig", self.kubeconfig, *args], capture_output=True, text=True,
                           timeout=timeout)
        if check and r.returncode != 0:
            raise AssertionError(f"kubectl {' '.join(args)} failed: {r.stdout}\n{r.stderr}")
        return r

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.log.close()
        return self.proc.returncode


def pod_manifest(name, image="registry.example/app:1", annotations=None, **spec_extra):
    md = {"name": name, "labels": {"app": "x"}}
    if annotations:
        md["annotations"] = annotations
    spec = {"containers": [{"name": "app", "image": image,
                            "resources": {"requests": {"cpu": "10m", "memory": "16Mi"},
                                          "limits": {"cpu": "100m", "memory": "64Mi"}}}]}
    spec.update(spec_extra)
    return {"apiVersion": "v1", "kind": "Pod", "metadata": md, "spec": spec}


def restricted_pod(name):
    p = pod_manifest(name, restartPolicy="Never")
    p["spec"]["securityContext"] = {"runAsNonRoot": True, "runAsUser": 1000, "runAsGroup": 1000,
                                    "seccompProfile": {"type": "RuntimeDefault"}}
    p["spec"]["containers"][0]["securityContext"] = {"allowPrivilegeEscalation": False,
                                                     "capabilities": {"drop": ["ALL"]}}
    return p


def watch_lines(resp, n=None, until=None, timeout=10):
    """Reads NDJSON events from a streaming response."""
    out = []
    deadline = time.time() + timeout
    for line in resp.iter_lines():
        if line:
            out.append(json.loads(line))
            if (n is not None and len(out) >= n) or (until is not None and until(out[-1])):
                break
        if time.time() > deadline:
            break
    return out


@pytest.fixture
def start_sandbox(tmp_path_factory):
    started = []

    def start(*args):
        sb = Sandbox(str(tmp_path_factory.mktemp("sandbox")), list(args))
        started.append(sb)
        return sb

    yield start
    for sb in started:
        assert sb.stop() == 0


@pytest.fixture(scope="session")
def plain(tmp_path_factory):
    sb = Sandbox(str(tmp_path_factory.mktemp("plain")), ["--ready-delay", "0.3", "--termination-delay", "0.2"])
    yield sb
    assert sb.stop() == 0


@pytest.fixture(scope="session")
def echo_server():
    """A TCP echo server on an ephemeral port (the port-forward target)."""
    import socket
    import threading
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(16)
    port = srv.getsockname()[1]

    def handle(c):
        with c:
            while True:
                d = c.recv(262144)
                if not d:
                    break
                c.sendall(d)

    def loop():
        while True:
            try:
                c, _ = srv.accept()
            except OSError:
                return
            threading.Thread(target=handle, args=(c,), daemon=True).start()

    threading.Thread(target=loop, daemon=True).start()
    yield port
    srv.close()


@pytest.fixture(scope="session")
def tls(tmp_path_factory, echo_server):
    tmp = str(tmp_path_factory.mktemp("tls"))
    token_file = os.path.join(tmp, "tokens.csv")
    with open(token_file, "w") as f:
        f.write('file-token-1,alice,1001,"dev,ops"\n')
    sb = Sandbox(tmp, ["--tls", "--ready-delay", "0.3", "--token", "tok-flag", "--token-file", token_file,
                       "--basic-auth", "admin:secret", "--forward", f"5900=127.0.0.1:{echo_server}",
                       "--pod-security", "privileged"])
    sb.token_file = token_file
    yield sb
    assert sb.stop() == 0


def b64(s: bytes) -> str:
    return base64.b64encode(s).decode()


def load_yaml(path):
    with open(path) as f:
        return yaml.safe_load(f)
