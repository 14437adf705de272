"""Starts the sandbox API server for benchmarks and offers a few control calls."""
import json
import subprocess
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class SandboxProcess:
    def __init__(self, work, tls=True, ready_delay=1.0, extra=()):
        self.work = Path(work)
        self.kubeconfig = str(self.work / "kubeconfig")
        self.args = [str(ROOT / "bin/sortie-sandbox"), "--address", "127.0.0.1:0", "--kubeconfig-out", self.kubeconfig,
                     "--ready-delay", str(ready_delay), "--log-file", str(self.work / "sandbox.log"), *(["--tls"] if tls else []), *extra]

    def __enter__(self):
        self.proc = subprocess.Popen(self.args, stdout=subprocess.PIPE)
        self.url = self.proc.stdout.readline().decode().strip()
        if not self.url:
            raise RuntimeError("the sandbox did not start")
        return self

    def __exit__(self, *exc):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:  # a loaded machine: don't lose the results over it
            self.proc.kill()
            self.proc.wait()

    def curl_args(self):
        d = Path(self.kubeconfig + ".d")
        return ["--cacert", str(d / "ca.crt"), "--cert", str(d / "client.crt"), "--key", str(d / "client.key")]

    def control(self, method, path, body=None):
        args = ["curl", "-sS", "-X", method, *self.curl_args(), f"{self.url}{path}"]
        if body is not None:
            args += ["-H", "Content-Type: application/json", "-d", json.dumps(body)]
        return subprocess.run(args, check=True, capture_output=True).stdout

    def delete_all_pods(self):
        self.control("DELETE", "/api/v1/namespaces/default/pods?gracePeriodSeconds=0")
        for _ in range(100):
            state = json.loads(self.control("GET", "/sandbox/state"))
            if state.get("podCount", 0) == 0:
                return
            time.sleep(0.05)
