"""The daemon's Role grants exactly the API calls the code makes: derived from Sources/ (see
rbac_scan.py) and compared, both ways, with deploy/kubernetes/rbac.yaml and the chart's Role."""
from __future__ import annotations

from collections import defaultdict

import pytest

from conftest import ROOT, NAMESPACE, one, raw_docs, rendered
from rbac_scan import OPERATOR_ONLY, daemon_calls, role_grants, scan_text

# In-cluster the daemon dials session pods at their pod IP (ServerConfiguration.UpstreamMode
# `auto` → `direct` in a pod), so port-forward is not granted by default (chart: rbac.portForward).
OUT_OF_CLUSTER_ONLY = {("", "pods/portforward", "get"), ("", "pods/portforward", "create")}


def table(grants) -> str:
    by_resource = defaultdict(set)
    for group, resource, verb in grants:
        by_resource[(group or "core", resource)].add(verb)
    return "\n".join(f"  {g}/{r}: {', '.join(sorted(v))}" for (g, r), v in sorted(by_resource.items()))


def required() -> tuple[set, dict]:
    calls, problems = daemon_calls(ROOT)
    assert not problems, "calls the scan can't attribute:\n" + "\n".join(problems)
    sites = defaultdict(list)
    for call in calls:
        sites[(call.group, call.resource, call.verb)].append(call.where)
    return set(sites) - OUT_OF_CLUSTER_ONLY, sites


def compare(role: dict, label: str):
    needed, sites = required()
    granted = role_grants(role)
    missing = needed - granted
    extra = granted - needed
    message = []
    if missing:
        message.append(f"{label} lacks permissions the daemon uses:\n{table(missing)}\n  used at:\n" +
                       "\n".join(f"    {k}: {sites[k][0]}" for k in sorted(missing)))
    if extra:
        message.append(f"{label} grants what the daemon never calls (remove it):\n{table(extra)}")
    assert not message, "\n".join(message) + f"\nthe daemon's calls:\n{table(needed)}"


def test_scan_finds_the_session_engine_calls():
    needed, _ = required()
    # The engine certainly creates, watches and deletes pods: a scan that misses them is broken.
    assert {("", "pods", "create"), ("", "pods", "list"), ("", "pods", "watch"), ("", "pods", "delete")} <= needed


def test_raw_role_matches_code():
    docs = [d for _, d in raw_docs()]
    compare(one(docs, "Role", "sortie"), "deploy/kubernetes/rbac.yaml Role")


def test_chart_role_matches_code():
    compare(one(rendered("default"), "Role", "sortie"), "charts/sortie Role")


def test_chart_and_raw_roles_agree():
    raw = one([d for _, d in raw_docs()], "Role", "sortie")
    chart = one(rendered("default"), "Role", "sortie")
    assert role_grants(raw) == role_grants(chart)


def test_binding_ties_the_role_to_the_daemon():
    docs = [d for _, d in raw_docs()]
    binding = one(docs, "RoleBinding", "sortie")
    assert binding["roleRef"] == {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "sortie"}
    assert binding["subjects"] == [{"kind": "ServiceAccount", "name": "sortie", "namespace": NAMESPACE}]
    deployment = one(docs, "Deployment", "sortie")
    assert deployment["spec"]["template"]["spec"]["serviceAccountName"] == "sortie"
    assert one(docs, "ServiceAccount", "sortie")
    # No cluster-wide power.
    assert not [d for _, d in raw_docs() if d["kind"] in ("ClusterRole", "ClusterRoleBinding")]
    assert not [d for d in rendered("default") if d["kind"] in ("ClusterRole", "ClusterRoleBinding")]


@pytest.mark.parametrize("source,expected", [
    ("func f() { try await client.mergePatch(Pod.self, namespace: ns, name: n, patch: p) }", {("", "pods", "patch")}),
    ("func f(_ q: ResourceQuota) { try await client.replace(q, namespace: ns) }", {("", "resourcequotas", "update")}),
    ("func f() { let lease = Lease(metadata: m, spec: nil); try await client.create(lease, namespace: ns) }",
     {("coordination.k8s.io", "leases", "create")}),
    ("func f() { for try await e in engine.client.listWatch(KubeEvent.self, namespace: ns) {} }",
     {("", "events", "list"), ("", "events", "watch")}),
    ("func f() { _ = try await client.podLogs(namespace: ns, name: n) }", {("", "pods/log", "get")}),
    ("func setQuota() { try await client.create(quota, namespace: ns) }", set()),
    ("func f() { // client.delete(Pod.self, namespace: ns, name: n)\n }", set()),
])
def test_scanner_recognises_calls(source, expected):
    calls, problems = scan_text(source, "snippet")
    assert not problems
    assert {(c.group, c.resource, c.verb) for c in calls} == expected


def test_scanner_reports_what_it_cannot_attribute():
    _, problems = scan_text("func f(x: Thing) { try await client.create(x, namespace: ns) }", "snippet")
    assert problems and "can't tell which resource" in problems[0]
    assert "setQuota" in OPERATOR_ONLY
