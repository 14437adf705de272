"""`kubectl apply --dry-run=client` of every raw and rendered manifest against a running API
server — the sandbox (bin/sortie-sandbox), behind apiproxy.DiscoveryProxy so kubectl can map the
kinds the sandbox doesn't store — and, for what the sandbox does store, real admission: the
restricted Pod Security Standard and the rendered ResourceQuota, with 50 default-sized session
pods plus the daemon's pods created for real."""
from __future__ import annotations

import copy
import json
import os
import signal
import subprocess
import uuid
from pathlib import Path

import pytest
import requests
import yaml

from apiproxy import DiscoveryProxy
from conftest import RAW_DIR, ROOT, SCENARIOS, golden_pods, one, render_text, rendered, run, tool
from test_quota import default_max_sessions, daemon_pods


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("sandbox")
    kubeconfig = workdir / "kubeconfig"
    process = subprocess.Popen(
        [str(ROOT / "bin" / "sortie-sandbox"), "--address", "127.0.0.1:0", "--kubeconfig-out", str(kubeconfig),
         "--pod-security", "restricted", "--ready-delay", "0.2", "--log-file", str(workdir / "sandbox.log")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        url = process.stdout.readline().strip()
        if not url.startswith("http"):
            process.kill()
            pytest.fail(f"the sandbox did not start: {url!r} {process.stderr.read()}")
        with DiscoveryProxy(url) as proxy:
            proxied = workdir / "kubeconfig-proxy"
            proxied.write_text(yaml.safe_dump({
                "apiVersion": "v1", "kind": "Config", "current-context": "sandbox",
                "clusters": [{"name": "sandbox", "cluster": {"server": proxy.url}}],
                "users": [{"name": "admin", "user": {}}],
                "contexts": [{"name": "sandbox", "context": {"cluster": "sandbox", "user": "admin", "namespace": "default"}}],
            }))
            yield {"url": url, "kubeconfig": proxied, "workdir": workdir}
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def kubectl(sandbox, *args) -> subprocess.CompletedProcess:
    return run([tool("kubectl"), "--kubeconfig", str(sandbox["kubeconfig"]),
                "--cache-dir", str(sandbox["workdir"] / "cache"), *args])


def objects_in(text: str) -> list[str]:
    return [f"{d['kind']}/{d['metadata']['name']}" for d in yaml.safe_load_all(text) if d]


def assert_dry_run_ok(result, expected_count: int):
    assert result.returncode == 0, result.stdout + result.stderr
    lines = [l for l in result.stdout.splitlines() if l.strip()]
    assert len(lines) == expected_count, result.stdout
    assert all(l.endswith("(dry run)") for l in lines), result.stdout


def test_raw_directory_client_dry_run(sandbox):
    # Exactly the seed's `kubectl apply -f deploy/kubernetes/`.
    count = sum(len(objects_in(p.read_text())) for p in RAW_DIR.glob("*.yaml"))
    assert_dry_run_ok(kubectl(sandbox, "apply", "--dry-run=client", "-f", str(RAW_DIR) + "/"), count)


@pytest.mark.parametrize("path", sorted(p.name for p in RAW_DIR.glob("*.yaml")))
def test_raw_file_client_dry_run(sandbox, path):
    # Each file on its own, in the seed's step-by-step order.
    text = (RAW_DIR / path).read_text()
    assert_dry_run_ok(kubectl(sandbox, "apply", "--dry-run=client", "-f", str(RAW_DIR / path)), len(objects_in(text)))


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_rendered_chart_client_dry_run(sandbox, scenario):
    manifest = sandbox["workdir"] / f"{scenario}.yaml"
    manifest.write_text(render_text(scenario))
    assert_dry_run_ok(kubectl(sandbox, "apply", "--dry-run=client", "-f", str(manifest)), len(rendered(scenario)))


def test_kubectl_refuses_a_broken_manifest(sandbox):
    # The check can fail: a kind the API server doesn't serve, and malformed YAML, are refused.
    bad = sandbox["workdir"] / "bad.yaml"
    bad.write_text("apiVersion: apps/v1\nkind: Deploymnet\nmetadata: {name: x, namespace: sortie}\nspec: {}\n")
    result = kubectl(sandbox, "apply", "--dry-run=client", "--validate=false", "-f", str(bad))
    assert result.returncode != 0 and 'no matches for kind "Deploymnet"' in result.stderr, result.stderr
    bad.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: sortie\ndata: {}\n")
    result = kubectl(sandbox, "apply", "--dry-run=client", "-f", str(bad))
    assert result.returncode != 0, result.stdout


def test_stored_kinds_server_dry_run(sandbox):
    # The kinds the sandbox stores also go through its admission and field validation.
    result = kubectl(sandbox, "apply", "--dry-run=server", "--validate=strict", "-f", str(RAW_DIR / "resource-quota.yaml"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "resourcequota/sortie-quota created (server dry run)" in result.stdout


def api(sandbox, method: str, path: str, body: dict | None = None) -> requests.Response:
    session = requests.Session()
    session.trust_env = False
    return session.request(method, sandbox["url"] + path, json=body, timeout=30,
                           params={"fieldValidation": "Strict"} if method == "POST" else None)


def make_namespace(sandbox) -> str:
    name = f"quota-{uuid.uuid4().hex[:8]}"
    response = api(sandbox, "POST", "/api/v1/namespaces", {
        "apiVersion": "v1", "kind": "Namespace",
        "metadata": {"name": name, "labels": {"pod-security.kubernetes.io/enforce": "restricted"}}})
    assert response.status_code == 201, response.text
    return name


def create_pod(sandbox, namespace: str, name: str, metadata: dict, spec: dict) -> requests.Response:
    pod = {"apiVersion": "v1", "kind": "Pod",
           "metadata": {**copy.deepcopy(metadata), "name": name, "namespace": namespace}, "spec": copy.deepcopy(spec)}
    return api(sandbox, "POST", f"/api/v1/namespaces/{namespace}/pods", pod)


@pytest.mark.parametrize("source", ["raw", "chart"])
def test_quota_admits_max_sessions_and_the_daemon(sandbox, source):
    docs = [d for p in RAW_DIR.glob("*.yaml") for d in yaml.safe_load_all(p.read_text()) if d] if source == "raw" else rendered("default")
    namespace = make_namespace(sandbox)
    quota = copy.deepcopy(one(docs, "ResourceQuota"))
    quota["metadata"]["namespace"] = namespace
    response = api(sandbox, "POST", f"/api/v1/namespaces/{namespace}/resourcequotas", quota)
    assert response.status_code == 201, response.text

    # The daemon's pods, from the Deployment's template (replicas + surge): the restricted Pod
    # Security admission of the sandbox must accept them too.
    deployment = one(docs, "Deployment", "sortie")
    template = deployment["spec"]["template"]
    for i in range(daemon_pods(deployment)):
        response = create_pod(sandbox, namespace, f"sortie-{i}", template["metadata"], template["spec"])
        assert response.status_code == 201, f"daemon pod {i}: {response.text}"

    # Then the default maximum of default-sized session pods, exactly as the code makes them.
    golden = golden_pods()["pod-native-defaults"]
    refused = []
    for i in range(default_max_sessions()):
        response = create_pod(sandbox, namespace, f"sortie-session-{i:04d}", golden["metadata"], golden["spec"])
        if response.status_code != 201:
            refused.append(f"session {i}: {response.status_code} {response.json().get('message')}")
    assert not refused, f"{len(refused)} sessions refused:\n" + "\n".join(refused[:3])

    used = api(sandbox, "GET", f"/api/v1/namespaces/{namespace}/resourcequotas/{quota['metadata']['name']}").json()["status"]["used"]
    assert int(used["pods"]) == default_max_sessions() + daemon_pods(deployment)


def test_sandbox_admission_refuses_what_restricted_forbids(sandbox):
    # The admission check above can fail: a pod escalating privileges is refused.
    namespace = make_namespace(sandbox)
    template = one(rendered("default"), "Deployment", "sortie")["spec"]["template"]
    spec = copy.deepcopy(template["spec"])
    spec["containers"][0]["securityContext"]["allowPrivilegeEscalation"] = True
    response = create_pod(sandbox, namespace, "escalating", template["metadata"], spec)
    assert response.status_code == 403, response.text
    assert "allowPrivilegeEscalation" in response.json()["message"]
