"""deploy/kind/kind-config.yaml and scripts/kind-setup.sh: the config's shape, shellcheck, and the
script's behaviour with docker/kind/kubectl/helm replaced by recording stubs (no Docker here);
the helm arguments it passes are replayed into the real `helm template`."""
from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from conftest import CHART, ROOT, run, tool

SCRIPT = ROOT / "scripts" / "kind-setup.sh"
KIND_CONFIG = ROOT / "deploy" / "kind" / "kind-config.yaml"


def test_kind_config_shape():
    config = yaml.safe_load(KIND_CONFIG.read_text())
    assert config["kind"] == "Cluster" and config["apiVersion"] == "kind.x-k8s.io/v1alpha4"
    assert config["name"] == "sortie"
    roles = [n["role"] for n in config["nodes"]]
    assert roles.count("control-plane") == 1 and set(roles) <= {"control-plane", "worker"}
    mappings = config["nodes"][0]["extraPortMappings"]
    assert {m["containerPort"] for m in mappings} == {80, 443}
    for m in mappings:
        assert 1 <= m["hostPort"] <= 65535 and m.get("protocol", "TCP") in ("TCP", "UDP", "SCTP")
    for patch in config["nodes"][0].get("kubeadmConfigPatches", []):
        assert yaml.safe_load(patch)["kind"] in ("InitConfiguration", "JoinConfiguration", "ClusterConfiguration")


def test_shellcheck():
    shellcheck = shutil.which("shellcheck")
    if not shellcheck:
        pytest.fail("shellcheck is not installed: run scripts/install-deps.sh")
    result = run([shellcheck, "--severity=style", str(SCRIPT)])
    assert result.returncode == 0, result.stdout


STUB = """#!/bin/sh
echo "$(basename "$0") $*" >> "$STUB_LOG"
if [ "$(basename "$0")" = kind ] && [ "$1" = get ] && [ "$2" = clusters ]; then
  [ -n "$STUB_CLUSTERS" ] && echo "$STUB_CLUSTERS"
fi
exit 0
"""


@pytest.fixture
def stubs(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name in ("docker", "kind", "kubectl", "helm"):
        (bin_dir / name).write_text(STUB)
        (bin_dir / name).chmod(0o755)
    log = tmp_path / "calls.log"
    log.touch()

    def invoke(*args, clusters="", missing=()):
        for name in missing:
            (bin_dir / name).unlink()
        env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "STUB_LOG": str(log), "STUB_CLUSTERS": clusters, "HOME": str(tmp_path)}
        result = subprocess.run(["bash", str(SCRIPT), *args], capture_output=True, text=True, env=env, timeout=30)
        return result, [shlex.split(line) for line in log.read_text().splitlines()]
    return invoke


def test_up_creates_builds_loads_installs(stubs):
    result, calls = stubs()
    assert result.returncode == 0, result.stderr
    flat = [" ".join(c) for c in calls]
    expected_order = [
        "kind create cluster --name sortie --config deploy/kind/kind-config.yaml",
        "docker build -t ghcr.io/rjsadow/sortie:latest .",
        "docker build -t ghcr.io/rjsadow/sortie-vnc-sidecar:latest docker/vnc-sidecar/",
        "kind load docker-image ghcr.io/rjsadow/sortie:latest --name sortie",
        "kind load docker-image ghcr.io/rjsadow/sortie-vnc-sidecar:latest --name sortie",
        "helm upgrade --install sortie charts/sortie",
    ]
    positions = [next((i for i, line in enumerate(flat) if line.startswith(e)), None) for e in expected_order]
    assert None not in positions, f"missing calls: {[e for e, p in zip(expected_order, positions) if p is None]}\n{flat}"
    assert positions == sorted(positions), flat
    helm = next(c for c in calls if c[:2] == ["helm", "upgrade"])
    assert "image.pullPolicy=Never" in helm and "--create-namespace" in helm
    assert "kubectl port-forward -n sortie svc/sortie 8080:80" in result.stderr

    # The values the script sets exist in the chart: replay them into the real helm.
    sets = [a for i, a in enumerate(helm) if i and helm[i - 1] == "--set"]
    args = [x for s in sets for x in ("--set", s)]
    rendered = run([tool("helm"), "template", "sortie", str(CHART), "--namespace", "sortie", *args])
    assert rendered.returncode == 0, rendered.stderr
    assert "imagePullPolicy: Never" in rendered.stdout


def test_up_reuses_an_existing_cluster(stubs):
    result, calls = stubs(clusters="sortie")
    assert result.returncode == 0, result.stderr
    assert not any(c[:2] == ["kind", "create"] for c in calls)


def test_teardown_deletes_the_cluster(stubs):
    result, calls = stubs("teardown", clusters="sortie")
    assert result.returncode == 0, result.stderr
    assert ["kind", "delete", "cluster", "--name", "sortie"] in calls
    assert not any(c[0] in ("docker", "helm") for c in calls)


def test_teardown_without_cluster_is_harmless(stubs):
    result, calls = stubs("teardown")
    assert result.returncode == 0, result.stderr
    assert not any(c[:2] == ["kind", "delete"] for c in calls)


def test_missing_tool_is_reported(stubs):
    result, calls = stubs(missing=("docker",))
    assert result.returncode == 1 and "docker" in result.stderr
    assert calls == []


def test_unknown_command_is_refused(stubs):
    result, _ = stubs("explode")
    assert result.returncode == 2 and "unknown command" in result.stderr
