"""Derives, from the Swift sources, which Kubernetes API calls the sortie daemon makes.

Every call on a Kubernetes client (`client.create(pod, ...)`, `client.delete(Pod.self, ...)`,
`client.listWatch(Pod.self, ...)`, `client.podLogs(...)`, ...) becomes (apiGroup, resource, verb).
The daemon is the engine library (Sources/SortieKit, minus the generic client layer Kube/ whose
methods only define the verbs), the server library (Sources/SortieServer) and any serve/server file
of the executable. Operator-only code paths —
CLI commands that run with the operator's own kubeconfig — are excluded by enclosing function.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

KUBE_TYPES = {
    "Pod": ("", "pods"),
    "PodMetadataAndStatus": ("", "pods"),
    "ResourceQuota": ("", "resourcequotas"),
    "Lease": ("coordination.k8s.io", "leases"),
    "KubeEvent": ("", "events"),
    "Namespace": ("", "namespaces"),
}

# Functions in the library that only operator commands call (never `serve`), with the reason.
OPERATOR_ONLY = {
    "setQuota": "`sortiectl quota set`: the operator sizes the quota with their own credentials",
    "mergeQuota": "the read-modify-write step of setQuota",
}

RECEIVER = r"\b(?:\w*[cC]lient|kube)\s*\.\s*"
TYPED = {  # method(T.self, ...) -> verbs
    "get": ["get"], "list": ["list"], "listAll": ["list"], "watch": ["watch"],
    "listWatch": ["list", "watch"], "delete": ["delete"], "mergePatch": ["patch"],
    "patch": ["patch"], "deleteCollection": ["deletecollection"],
}
OBJECT = {"create": "create", "replace": "update", "update": "update", "apply": "patch"}  # method(object, ...)
HELPERS = {  # helpers on KubeClient that hide the resource
    "podLogs": [("", "pods/log", "get")],
    "podEvents": [("", "events", "list")],
    "portForward": [("", "pods/portforward", "get"), ("", "pods/portforward", "create")],
    "openPortForward": [("", "pods/portforward", "get"), ("", "pods/portforward", "create")],
}


@dataclass(frozen=True)
class Call:
    group: str
    resource: str
    verb: str
    where: str  # file:line (function)


def strip_comments(text: str) -> str:
    text = re.sub(r"/\*.*?\*/", lambda m: re.sub(r"[^\n]", " ", m.group(0)), text, flags=re.S)
    return re.sub(r"//[^\n]*", "", text)


def enclosing_function(text: str, position: int) -> str:
    matches = list(re.finditer(r"\bfunc\s+(\w+)", text[:position]))
    return matches[-1].group(1) if matches else "<top level>"


def resolve_variable(text: str, name: str, position: int) -> str | None:
    """The Kubernetes type of a variable passed to create/replace, from its declaration."""
    before = text[:position]
    patterns = [
        rf"\b{name}\s*:\s*(\w+)",                                             # parameter or `var x: T`
        rf"\b(?:let|var)\s+{name}\s*=\s*(?:try\s+)?(?:await\s+)?\w*\s*\.?\s*\w*\.?get\(\s*(\w+)\.self",  # = client.get(T.self
        rf"\b(?:let|var)\s+{name}\s*=\s*(?:try\s+)?(?:await\s+)?(\w+)\(",     # = T(...)
    ]
    for pattern in patterns:
        for match in reversed(list(re.finditer(pattern, before))):
            if match.group(1) in KUBE_TYPES:
                return match.group(1)
    lowered = name.lower()
    for type_name, hint in (("Pod", "pod"), ("ResourceQuota", "quota"), ("Lease", "lease"), ("KubeEvent", "event")):
        if hint in lowered:
            return type_name
    return None


def scan_text(text: str, label: str) -> tuple[list[Call], list[str]]:
    """(calls, problems) for one source text."""
    text = strip_comments(text)
    calls: list[Call] = []
    problems: list[str] = []

    def where(pos: int) -> str:
        return f"{label}:{text.count(chr(10), 0, pos) + 1} ({enclosing_function(text, pos)})"

    for match in re.finditer(RECEIVER + r"(\w+)\s*\(\s*([\w.]+)?", text):
        method, argument = match.group(1), match.group(2) or ""
        pos = match.start()
        if enclosing_function(text, pos) in OPERATOR_ONLY:
            continue
        if method in HELPERS:
            calls += [Call(g, r, v, where(pos)) for g, r, v in HELPERS[method]]
        elif method in TYPED and argument.endswith(".self"):
            type_name = argument[: -len(".self")]
            if type_name not in KUBE_TYPES:
                problems.append(f"{where(pos)}: {method}({type_name}.self): unknown Kubernetes type — add it to KUBE_TYPES")
                continue
            group, resource = KUBE_TYPES[type_name]
            calls += [Call(group, resource, verb, where(pos)) for verb in TYPED[method]]
        elif method in OBJECT and argument:
            type_name = resolve_variable(text, argument.split(".")[0], pos)
            if type_name is None:
                problems.append(f"{where(pos)}: {method}({argument}, …): can't tell which resource — declare its type")
                continue
            group, resource = KUBE_TYPES[type_name]
            calls.append(Call(group, resource, OBJECT[method], where(pos)))
    return calls, problems


def daemon_sources(root: Path) -> list[Path]:
    library = [p for p in (root / "Sources" / "SortieKit").rglob("*.swift") if "Kube" not in p.relative_to(root / "Sources" / "SortieKit").parts[:1]]
    server = list((root / "Sources" / "SortieServer").rglob("*.swift"))
    serve = [p for p in (root / "Sources" / "sortiectl").rglob("*.swift") if re.search(r"serve", p.name, re.I)]
    return sorted(library + server + serve)


def daemon_calls(root: Path) -> tuple[list[Call], list[str]]:
    calls, problems = [], []
    for path in daemon_sources(root):
        c, p = scan_text(path.read_text(), str(path.relative_to(root)))
        calls += c
        problems += p
    return calls, problems


def role_grants(role: dict) -> set[tuple[str, str, str]]:
    grants = set()
    for rule in role.get("rules", []):
        assert not rule.get("resourceNames"), "resourceNames are not expected"
        for group in rule.get("apiGroups", []):
            for resource in rule.get("resources", []):
                for verb in rule.get("verbs", []):
                    assert "*" not in (group, resource, verb), f"wildcard in Role rule {rule}"
                    grants.add((group, resource, verb))
    return grants
