"""Every pod template in the raw manifests and the chart (and the session pods the code makes)
passes the restricted Pod Security Standard; the namespace enforces it."""
from __future__ import annotations

import copy

import pytest

from conftest import SCENARIOS, golden_pods, pod_templates, raw_docs, rendered
from pss import restricted_violations


def test_raw_pod_templates_pass_restricted():
    templates = pod_templates([doc for _, doc in raw_docs()])
    assert [name for name, _ in templates] == ["Deployment/sortie"]
    for name, spec in templates:
        assert restricted_violations(spec) == [], name


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_chart_pod_templates_pass_restricted(scenario):
    templates = pod_templates(rendered(scenario))
    assert templates, "no pod templates rendered"
    for name, spec in templates:
        assert restricted_violations(spec) == [], f"{scenario}: {name}"


def test_session_pods_pass_restricted():
    for name, pod in golden_pods().items():
        assert restricted_violations(pod["spec"]) == [], name


def test_daemon_is_hardened_beyond_restricted():
    for docs in ([d for _, d in raw_docs()], rendered("default")):
        (_, spec), = pod_templates(docs)
        container = spec["containers"][0]
        assert container["securityContext"]["readOnlyRootFilesystem"] is True
        assert spec["securityContext"]["runAsUser"] == 1000
        assert container["resources"]["requests"] and container["resources"]["limits"]


def test_namespace_enforces_restricted():
    namespaces = [d for _, d in raw_docs() if d["kind"] == "Namespace"]
    assert namespaces
    for ns in namespaces:
        assert ns["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "restricted"


MUTATIONS = {
    "privileged": lambda s: s["containers"][0]["securityContext"].update(privileged=True),
    "escalation": lambda s: s["containers"][0]["securityContext"].update(allowPrivilegeEscalation=True),
    "caps": lambda s: s["containers"][0]["securityContext"].update(capabilities={"add": ["SYS_ADMIN"]}),
    "root": lambda s: s["securityContext"].update(runAsUser=0),
    "nonroot": lambda s: (s["securityContext"].pop("runAsNonRoot"), s["containers"][0]["securityContext"].pop("runAsNonRoot", None)),
    "seccomp": lambda s: (s["securityContext"].pop("seccompProfile"), s["containers"][0]["securityContext"].pop("seccompProfile", None)),
    "unconfined": lambda s: s["securityContext"].update(seccompProfile={"type": "Unconfined"}),
    "hostpath": lambda s: s["volumes"].append({"name": "h", "hostPath": {"path": "/"}}),
    "hostnetwork": lambda s: s.update(hostNetwork=True),
    "hostport": lambda s: s["containers"][0]["ports"][0].update(hostPort=8080),
}


@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
def test_checker_catches_violations(mutation):
    # The check must be able to fail: each weakening of the daemon's pod is reported.
    (_, spec), = pod_templates(rendered("default"))
    spec = copy.deepcopy(spec)
    MUTATIONS[mutation](spec)
    assert restricted_violations(spec), f"{mutation} not detected"
