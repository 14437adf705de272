"""The Helm chart: `helm lint`, `helm template` for default and non-default values, the seed's
values and defaults, the values schema, and what each scenario renders."""
from __future__ import annotations

import json

import pytest
import yaml

from conftest import CHART, NAMESPACE, ROOT, SCENARIOS, find, one, render_text, rendered, run, tool

VALUES = yaml.safe_load((CHART / "values.yaml").read_text())


def env_of(deployment: dict) -> dict[str, str]:
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    return {e["name"]: e.get("value") for e in container.get("env", [])}


def args_of(deployment: dict) -> list[str]:
    return deployment["spec"]["template"]["spec"]["containers"][0].get("args", [])


def test_helm_lint_strict():
    result = run([tool("helm"), "lint", "--strict", str(CHART)])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 chart(s) failed" in result.stdout


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_helm_lint_with_scenario_values(scenario):
    result = run([tool("helm"), "lint", "--strict", str(CHART), "--namespace", NAMESPACE, *SCENARIOS[scenario]])
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_helm_template_renders(scenario):
    docs = rendered(scenario)
    kinds = {d["kind"] for d in docs}
    assert {"Deployment", "Service", "ConfigMap"} <= kinds, kinds
    for doc in docs:
        assert doc["metadata"].get("namespace"), f"{doc['kind']}/{doc['metadata']['name']} has no namespace"


def test_seed_values_and_defaults():
    # The seed's Helm values table, verbatim.
    assert VALUES["image"]["repository"] == "ghcr.io/rjsadow/sortie"
    assert VALUES["image"]["tag"] == "latest"
    assert VALUES["image"]["pullPolicy"] in ("IfNotPresent", "Always", "Never")
    assert VALUES["replicaCount"] == 1
    assert VALUES["ingress"]["enabled"] is False
    assert VALUES["ingress"]["host"] == "sortie.example.com"
    assert VALUES["networkPolicy"]["enabled"] is True
    assert VALUES["resourceQuota"]["enabled"] is True
    # The seed's environment defaults (and SessionSettings'), as chart values.
    session = VALUES["session"]
    assert (session["timeoutMinutes"], session["cleanupIntervalMinutes"], session["podReadyTimeoutSeconds"]) == (120, 5, 120)
    assert session["vncSidecarImage"] == "ghcr.io/rjsadow/sortie-vnc-sidecar:latest"
    assert (session["maxSessionsPerUser"], session["maxSessions"]) == (5, 50)
    assert VALUES["auth"]["mode"] == "none" and VALUES["auth"]["adminGroup"] == "sortie-admins"


def test_default_render_objects():
    docs = rendered("default")
    names = sorted(f"{d['kind']}/{d['metadata']['name']}" for d in docs)
    assert names == sorted([
        "ConfigMap/sortie-apps", "Deployment/sortie", "NetworkPolicy/sortie-server", "NetworkPolicy/sortie-sessions",
        "ResourceQuota/sortie-quota", "Role/sortie", "RoleBinding/sortie", "Secret/sortie-ws", "Service/sortie",
        "ServiceAccount/sortie",
    ])
    service = one(docs, "Service", "sortie")
    assert service["spec"]["ports"] == [{"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"}]
    deployment = one(docs, "Deployment", "sortie")
    spec = deployment["spec"]["template"]["spec"]
    container = spec["containers"][0]
    assert container["image"] == "ghcr.io/rjsadow/sortie:latest"
    assert container["ports"] == [{"name": "http", "containerPort": 8080, "protocol": "TCP"}]
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert spec["serviceAccountName"] == "sortie"
    assert env_of(deployment) == {
        "SORTIE_NAMESPACE": "sortie", "SESSION_TIMEOUT": "120", "SESSION_CLEANUP_INTERVAL": "5",
        "POD_READY_TIMEOUT": "120", "SESSION_IDLE_TIMEOUT": "60", "SORTIE_VNC_SIDECAR_IMAGE": "ghcr.io/rjsadow/sortie-vnc-sidecar:latest",
        "SORTIE_MAX_SESSIONS_PER_USER": "5", "SORTIE_MAX_SESSIONS": "50", "SORTIE_SIDECAR_MODE": "native",
        "SORTIE_APPS": "/etc/sortie/apps.json",
    }
    assert args_of(deployment) == ["--auth=none", "--admin-group=sortie-admins", "--log-format=json",
                                   "--ws-secret-file=/var/run/sortie/ws/ws-secret"]
    # Every replica signs WebSocket tickets with the same mounted key.
    ws = next(v for v in spec["volumes"] if v["name"] == "ws-secret")["secret"]["secretName"]
    assert ws == "sortie-ws" and "ws-secret" in one(docs, "Secret", "sortie-ws")["data"]
    # The Service selects the daemon's pods and never a session pod.
    selector = service["spec"]["selector"]
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert all(labels.get(k) == v for k, v in selector.items())
    assert selector.get("app.kubernetes.io/component") == "server"


def test_catalog_configmap_is_examples_apps_json():
    expected = json.loads((ROOT / "examples" / "apps.json").read_text())
    for scenario in ("default", "nondefault"):
        configmap = one(rendered(scenario), "ConfigMap", "sortie-apps")
        assert json.loads(configmap["data"]["apps.json"]) == expected
    # The raw manifest carries the same copy.
    raw = [d for d in yaml.safe_load_all((ROOT / "deploy/kubernetes/deployment.yaml").read_text()) if d]
    assert json.loads(one(raw, "ConfigMap", "sortie-apps")["data"]["apps.json"]) == expected


def test_catalog_configmap_mounted_where_sortie_apps_points():
    deployment = one(rendered("default"), "Deployment", "sortie")
    spec = deployment["spec"]["template"]["spec"]
    mounts = {m["name"]: m["mountPath"] for m in spec["containers"][0]["volumeMounts"]}
    volumes = {v["name"]: v for v in spec["volumes"]}
    assert env_of(deployment)["SORTIE_APPS"] == mounts["apps"] + "/apps.json"
    assert volumes["apps"]["configMap"]["name"] == "sortie-apps"
    # A catalog change rolls the pods.
    assert "checksum/catalog" in deployment["spec"]["template"]["metadata"]["annotations"]


def test_nondefault_values_take_effect():
    docs = rendered("nondefault")
    deployment = one(docs, "Deployment", "sortie")
    assert deployment["spec"]["replicas"] == 3
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    assert container["image"] == "ghcr.io/rjsadow/sortie:1.2.3" and container["imagePullPolicy"] == "Always"
    assert not find(docs, "NetworkPolicy"), "networkPolicy.enabled=false must render no NetworkPolicy"
    # Ingress: host, TLS, WebSocket-friendly timeouts, the Service's named port.
    ingress = one(docs, "Ingress", "sortie")
    assert ingress["spec"]["ingressClassName"] == "nginx"
    assert ingress["spec"]["rules"][0]["host"] == "sortie.mycompany.com"
    assert ingress["spec"]["tls"] == [{"hosts": ["sortie.mycompany.com"], "secretName": "sortie-tls"}]
    backend = ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend == {"name": "sortie", "port": {"name": "http"}}
    annotations = ingress["metadata"]["annotations"]
    assert int(annotations["nginx.ingress.kubernetes.io/proxy-read-timeout"]) >= 3600
    assert int(annotations["nginx.ingress.kubernetes.io/proxy-send-timeout"]) >= 3600
    # Token auth: a Secret with the CSV, mounted, and SORTIE_TOKEN_FILE pointing into it.
    secret = one(docs, "Secret", "sortie-tokens")
    assert secret["stringData"]["tokens.csv"].strip() == "t0ken-1,alice,1001,sortie-admins"
    args = args_of(deployment)
    assert "--auth=token" in args
    spec = deployment["spec"]["template"]["spec"]
    mount = next(m for m in spec["containers"][0]["volumeMounts"] if m["name"] == "tokens")
    assert f"--token-file={mount['mountPath']}/tokens.csv" in args
    assert next(v for v in spec["volumes"] if v["name"] == "tokens")["secret"]["secretName"] == "sortie-tokens"
    assert "t0ken-1" not in json.dumps(deployment), "the token must not be inlined in the Deployment"


def test_header_auth_and_separate_session_namespace():
    docs = rendered("header-auth-separate-namespace")
    deployment = one(docs, "Deployment", "sortie")
    args = args_of(deployment)
    assert "--auth=header" in args
    assert [a for a in args if a.startswith("--trusted-proxy=")] == ["--trusted-proxy=10.0.0.0/8", "--trusted-proxy=192.168.0.0/16"]
    assert env_of(deployment)["SORTIE_NAMESPACE"] == "sortie-sessions"
    # The Role (pods, quotas, leases) lives where the session pods are; the binding names the
    # daemon's account in the release namespace.
    role = one(docs, "Role", "sortie")
    assert role["metadata"]["namespace"] == "sortie-sessions"
    assert any("pods/portforward" in r["resources"] and set(r["verbs"]) == {"get", "create"} for r in role["rules"])
    binding = one(docs, "RoleBinding", "sortie")
    assert binding["metadata"]["namespace"] == "sortie-sessions"
    assert binding["subjects"] == [{"kind": "ServiceAccount", "name": "sortie", "namespace": NAMESPACE}]
    sessions = one(docs, "NetworkPolicy", "sortie-sessions")
    assert sessions["metadata"]["namespace"] == "sortie-sessions"
    peer = sessions["spec"]["ingress"][0]["from"][0]
    assert peer["namespaceSelector"]["matchLabels"] == {"kubernetes.io/metadata.name": NAMESPACE}
    server = one(docs, "NetworkPolicy", "sortie-server")
    api_rule = next(r for r in server["spec"]["egress"] if any(p["port"] == 443 for p in r.get("ports", [])))
    assert api_rule["to"] == [{"ipBlock": {"cidr": "172.18.0.2/32"}}]
    assert not find(docs, "ResourceQuota")


def test_existing_secret_and_service_account():
    docs = rendered("token-existing-secret")
    assert not find(docs, "Secret", "sortie-tokens") and not find(docs, "ServiceAccount")
    deployment = one(docs, "Deployment", "sortie")
    spec = deployment["spec"]["template"]["spec"]
    assert spec["serviceAccountName"] == "sortie-sa"
    assert next(v for v in spec["volumes"] if v["name"] == "tokens")["secret"]["secretName"] == "my-tokens"
    assert one(docs, "RoleBinding", "sortie")["subjects"][0]["name"] == "sortie-sa"


@pytest.mark.parametrize("args,message", [
    (["--set", "auth.mode=password"], "auth/mode"),
    (["--set", "session.sidecarMode=magic"], "sidecarMode"),
    (["--set", "image.pullPolicy=Sometimes"], "pullPolicy"),
    (["--set", "session.maxSessions=-1"], "maxSessions"),
    (["--set", "replicaCount=two"], "replicaCount"),
    (["--set", "ingres.enabled=true"], "ingres"),
    (["--set", "auth.mode=token"], "auth.token.existingSecret or auth.token.tokens"),
    (["--set", "auth.mode=header"], "auth.trustedProxyCIDRs"),
    (["--set", "logFormat=xml"], "logFormat"),
    (["--set", "session.maxSessions=100"], "resourceQuota.hard.pods"),
])
def test_bad_values_are_refused(args, message):
    result = run([tool("helm"), "template", "sortie", str(CHART), "--namespace", NAMESPACE, *args])
    assert result.returncode != 0, f"helm accepted {args}"
    assert message in result.stderr, result.stderr


def test_raising_max_sessions_with_the_quota_renders():
    result = run([tool("helm"), "template", "sortie", str(CHART), "--namespace", NAMESPACE,
                  "--set", "session.maxSessions=100", "--set-string", "resourceQuota.hard.pods=110"])
    assert result.returncode == 0, result.stderr


def test_notes_render():
    # `helm install --dry-run` renders NOTES.txt without a cluster.
    result = run([tool("helm"), "install", "sortie", str(CHART), "--namespace", NAMESPACE, "--dry-run=client"])
    assert result.returncode == 0, result.stderr
    notes = result.stdout.split("NOTES:", 1)[1]
    assert "kubectl port-forward -n sortie svc/sortie 8080:80" in notes
    assert "auth.mode=none" in notes
    result = run([tool("helm"), "install", "sortie", str(CHART), "--namespace", NAMESPACE, "--dry-run=client",
                  *SCENARIOS["nondefault"]])
    assert result.returncode == 0, result.stderr
    notes = result.stdout.split("NOTES:", 1)[1]
    assert "https://sortie.mycompany.com/" in notes and "networkPolicy.enabled=false" in notes


def test_schema_covers_every_value():
    schema = json.loads((CHART / "values.schema.json").read_text())

    def walk(values, node, path):
        assert node is not None, f"values.schema.json does not describe {path}"
        if isinstance(values, dict) and node.get("type") == "object" and "properties" in node:
            for key, value in values.items():
                child = node["properties"].get(key)
                if child is None and isinstance(node.get("additionalProperties"), dict):
                    child = node["additionalProperties"]
                walk(value, child, f"{path}.{key}")

    walk(VALUES, schema, "values")
    assert render_text("default")


SERVE = ROOT / "Sources" / "sortiectl" / "Commands" / "ServeCommand.swift"


def serve_flags() -> set[str]:
    import re
    text = SERVE.read_text()
    flags = set(re.findall(r'customLong\("([\w-]+)"\)', text))
    for name in re.findall(r"@(?:Option|Flag)\(name:\s*(?:\.long|\[[^\]]*\.long[^\]]*\])[^)]*\)\s*var\s+(\w+)", text):
        flags.add(re.sub(r"([a-z0-9])([A-Z])", r"\1-\2", name).lower())
    for group in ("CatalogOptions.swift", "GlobalOptions.swift"):
        path = ROOT / "Sources" / "sortiectl" / group
        if path.exists():
            g = path.read_text()
            flags |= set(re.findall(r'customLong\("([\w-]+)"\)', g))
            flags |= {re.sub(r"([a-z0-9])([A-Z])", r"\1-\2", n).lower()
                      for n in re.findall(r"@Option\(name:\s*(?:\.long|\[[^\]]*\.long[^\]]*\])[^)]*\)\s*var\s+(\w+)", g)}
    return flags


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_serve_accepts_every_flag_the_chart_passes(scenario):
    if not SERVE.exists():
        pytest.skip("Sources/sortiectl/Commands/ServeCommand.swift does not exist yet")
    known = serve_flags()
    assert {"auth", "token-file", "admin-group", "trusted-proxy", "ws-secret-file", "log-format"} <= known, known
    deployment = one(rendered(scenario), "Deployment", "sortie")
    for arg in args_of(deployment):
        flag = arg.split("=", 1)[0].removeprefix("--")
        assert flag in known, f"the chart passes --{flag}, which `sortiectl serve` does not declare"


def test_raw_deployment_flags_and_env_are_read_by_the_code():
    raw = [d for d in yaml.safe_load_all((ROOT / "deploy/kubernetes/deployment.yaml").read_text()) if d]
    deployment = one(raw, "Deployment", "sortie")
    sources = " ".join(p.read_text() for p in (ROOT / "Sources").rglob("*.swift"))
    for name in env_of(deployment):
        assert f'"{name}"' in sources or f"{name}" in sources, f"no code reads {name}"
    if SERVE.exists():
        known = serve_flags()
        for arg in args_of(deployment):
            assert arg.split("=", 1)[0].removeprefix("--") in known, arg
