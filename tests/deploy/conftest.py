"""Shared helpers for the deploy checks: paths, the real helm/kubectl, rendered chart scenarios."""
from __future__ import annotations

import functools
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
CHART = ROOT / "charts" / "sortie"
RAW_DIR = ROOT / "deploy" / "kubernetes"
RAW_FILES = sorted(RAW_DIR.glob("*.yaml"))
GOLDEN_DIR = ROOT / "Tests" / "SortieKitTests" / "Sessions" / "Golden"
TOOLS = ROOT / ".tools" / "bin"
NAMESPACE = "sortie"

# Chart scenarios: name -> helm arguments. "default" is the chart as shipped; the others switch
# on everything a user is likely to change (the brief's non-default set and a few more).
SCENARIOS: dict[str, list[str]] = {
    "default": [],
    "nondefault": [
        "--set", "replicaCount=3",
        "--set", "ingress.enabled=true",
        "--set", "ingress.host=sortie.mycompany.com",
        "--set", "ingress.className=nginx",
        "--set", "ingress.tls[0].secretName=sortie-tls",
        "--set", "networkPolicy.enabled=false",
        "--set", "auth.mode=token",
        "--set-string", r"auth.token.tokens=t0ken-1\,alice\,1001\,sortie-admins",
        "--set", "image.tag=1.2.3",
        "--set", "image.pullPolicy=Always",
    ],
    "header-auth-separate-namespace": [
        "--set", "auth.mode=header",
        "--set", "auth.trustedProxyCIDRs={10.0.0.0/8,192.168.0.0/16}",
        "--set", "session.namespace=sortie-sessions",
        "--set", "rbac.portForward=true",
        "--set", "networkPolicy.apiServer.cidrs={172.18.0.2/32}",
        "--set", "resourceQuota.enabled=false",
    ],
    "token-existing-secret": [
        "--set", "auth.mode=token",
        "--set", "auth.token.existingSecret=my-tokens",
        "--set", "serviceAccount.create=false",
        "--set", "serviceAccount.name=sortie-sa",
    ],
}


def tool(name: str) -> str:
    """The real helm/kubectl installed by scripts/install-deps.sh (or one on PATH)."""
    candidate = TOOLS / name
    if candidate.exists():
        return str(candidate)
    found = shutil.which(name)
    if not found:
        pytest.fail(f"{name} is not installed: run scripts/install-deps.sh")
    return found


def run(args: list[str], **kwargs) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.setdefault("HELM_CACHE_HOME", "/tmp/sortie-helm-cache")
    env.setdefault("HELM_CONFIG_HOME", "/tmp/sortie-helm-config")
    env.setdefault("HELM_DATA_HOME", "/tmp/sortie-helm-data")
    return subprocess.run(args, capture_output=True, text=True, timeout=120, env=env, **kwargs)


def load_docs(text: str) -> list[dict]:
    return [doc for doc in yaml.safe_load_all(text) if doc]


@functools.cache
def render_text(scenario: str) -> str:
    result = run([tool("helm"), "template", "sortie", str(CHART), "--namespace", NAMESPACE, *SCENARIOS[scenario]])
    if result.returncode != 0:
        pytest.fail(f"helm template ({scenario}) failed:\n{result.stderr}")
    return result.stdout


def rendered(scenario: str) -> list[dict]:
    return load_docs(render_text(scenario))


def raw_docs() -> list[tuple[Path, dict]]:
    return [(path, doc) for path in RAW_FILES for doc in load_docs(path.read_text())]


def find(docs: list[dict], kind: str, name: str | None = None) -> list[dict]:
    return [d for d in docs if d.get("kind") == kind and (name is None or d["metadata"].get("name") == name)]


def one(docs: list[dict], kind: str, name: str | None = None) -> dict:
    found = find(docs, kind, name)
    assert len(found) == 1, f"expected one {kind} {name or ''}, found {len(found)}"
    return found[0]


def golden_pods() -> dict[str, dict]:
    """Session pods exactly as PodTemplateBuilder makes them (kept current by the Swift golden tests)."""
    import json
    return {p.stem: json.loads(p.read_text()) for p in sorted(GOLDEN_DIR.glob("pod-*.json"))}


def pod_templates(docs: list[dict]) -> list[tuple[str, dict]]:
    """(label, pod spec) for every pod template in the objects: Deployments, Pods, and the like."""
    out = []
    for doc in docs:
        kind = doc.get("kind")
        name = f"{kind}/{doc.get('metadata', {}).get('name')}"
        if kind == "Pod":
            out.append((name, doc["spec"]))
        elif kind in ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"):
            out.append((name, doc["spec"]["template"]["spec"]))
        elif kind == "CronJob":
            out.append((name, doc["spec"]["jobTemplate"]["spec"]["template"]["spec"]))
    return out
