"""The namespace ResourceQuota agrees with Sortie's own limits: with default values it admits the
default maximum number of sessions (SORTIE_MAX_SESSIONS) at the default session size, plus the
daemon's own pods (replicas + the rolling update's surge) — from the rendered manifests, the
session pod the code makes (golden file) and the defaults in Sources/."""
from __future__ import annotations

import re
from decimal import Decimal

import pytest
from kubernetes.utils.quantity import parse_quantity

from conftest import ROOT, golden_pods, one, raw_docs, rendered

COMPUTE_KEYS = ("requests.cpu", "requests.memory", "limits.cpu", "limits.memory")


def swift_default(pattern: str, path: str) -> int:
    text = (ROOT / path).read_text()
    match = re.search(pattern, text)
    assert match, f"can't find {pattern!r} in {path}"
    return int(match.group(1))


def default_max_sessions() -> int:
    return swift_default(r"maxSessionsTotal:\s*Int\s*=\s*(\d+)", "Sources/SortieKit/Sessions/SessionSettings.swift")


def pod_footprint(spec: dict) -> dict[str, Decimal]:
    """What a pod counts against a quota: regular containers plus native sidecars (init containers
    with restartPolicy Always, which run alongside); ordinary init containers only raise the max."""
    total = {key: Decimal(0) for key in COMPUTE_KEYS}
    for container in spec["containers"] + [c for c in spec.get("initContainers", []) if c.get("restartPolicy") == "Always"]:
        resources = container.get("resources", {})
        for kind in ("requests", "limits"):
            for resource in ("cpu", "memory"):
                value = resources.get(kind, {}).get(resource)
                assert value is not None, f"container {container['name']} has no {kind}.{resource}: a compute quota would refuse the pod"
                total[f"{kind}.{resource}"] += parse_quantity(value)
    total["pods"] = Decimal(1)
    return total


def session_footprint() -> dict[str, Decimal]:
    pod = golden_pods()["pod-native-defaults"]
    app = next(c for c in pod["spec"]["containers"] if c["name"] == "app")
    assert app["resources"] == {"requests": {"cpu": "500m", "memory": "512Mi"}, "limits": {"cpu": "2", "memory": "2Gi"}}, \
        "the default-sized session pod no longer has the seed's default resources"
    return pod_footprint(pod["spec"])


def daemon_pods(deployment: dict) -> int:
    surge = deployment["spec"].get("strategy", {}).get("rollingUpdate", {}).get("maxSurge", "25%")
    replicas = deployment["spec"].get("replicas", 1)
    assert isinstance(surge, int), "use an absolute maxSurge so the quota arithmetic is exact"
    return replicas + surge


def check(docs: list[dict], max_sessions: int, label: str):
    quota = one(docs, "ResourceQuota")
    deployment = one(docs, "Deployment", "sortie")
    hard = {k: parse_quantity(v) for k, v in quota["spec"]["hard"].items()}
    for key in ("pods", *COMPUTE_KEYS):
        assert key in hard, f"{label}: the quota does not bound {key}"
    same_namespace = quota["metadata"]["namespace"] == deployment["metadata"]["namespace"]
    daemons = daemon_pods(deployment) if same_namespace else 0
    daemon = pod_footprint(deployment["spec"]["template"]["spec"])
    session = session_footprint()
    short = []
    for key, limit in hard.items():
        alias = {"cpu": "requests.cpu", "memory": "requests.memory", "count/pods": "pods"}.get(key, key)
        if alias not in session:
            continue
        need = max_sessions * session[alias] + daemons * daemon[alias]
        if need > limit:
            short.append(f"{key}: {max_sessions} sessions × {session[alias]} + {daemons} daemon pods × {daemon[alias]} = {need} > {limit}")
    assert not short, f"{label}: the quota refuses sessions Sortie allows:\n" + "\n".join(short)


def test_default_session_footprint():
    footprint = session_footprint()
    # app 500m/2, 512Mi/2Gi + sidecar 100m/500m, 128Mi/256Mi
    assert footprint["requests.cpu"] == Decimal("0.6") and footprint["limits.cpu"] == Decimal("2.5")
    assert footprint["requests.memory"] == 640 * 2**20 and footprint["limits.memory"] == 2304 * 2**20


def test_defaults_agree_with_the_code():
    assert default_max_sessions() == 50
    per_user = swift_default(r"maxSessionsPerUser:\s*Int\s*=\s*(\d+)", "Sources/SortieKit/Sessions/SessionSettings.swift")
    raw_env = {e["name"]: e["value"] for e in one([d for _, d in raw_docs()], "Deployment")["spec"]["template"]["spec"]["containers"][0]["env"]}
    chart_env = {e["name"]: e.get("value") for e in one(rendered("default"), "Deployment")["spec"]["template"]["spec"]["containers"][0]["env"]}
    for env in (raw_env, chart_env):
        assert int(env["SORTIE_MAX_SESSIONS"]) == default_max_sessions()
        assert int(env["SORTIE_MAX_SESSIONS_PER_USER"]) == per_user


def test_raw_quota_admits_the_default_max_sessions():
    check([d for _, d in raw_docs()], default_max_sessions(), "deploy/kubernetes")


@pytest.mark.parametrize("scenario", ["default", "nondefault"])
def test_chart_quota_admits_the_default_max_sessions(scenario):
    check(rendered(scenario), default_max_sessions(), f"helm template ({scenario})")


def test_check_fails_for_a_quota_too_small():
    # The original project's quota admitted 15 of its 100 sessions: this check must catch that.
    docs = [d for _, d in raw_docs()]
    quota = one(docs, "ResourceQuota")
    small = {**quota, "spec": {"hard": {**quota["spec"]["hard"], "requests.memory": "10Gi"}}}
    docs = [small if d is quota else d for d in docs]
    with pytest.raises(AssertionError, match="requests.memory"):
        check(docs, default_max_sessions(), "shrunk")
