"""A discovery-completing front for the sandbox API server, for `kubectl apply --dry-run=client`.

The sandbox serves only the kinds sortiectl uses (pods, events, resourcequotas, namespaces,
leases). `kubectl apply --dry-run=client` needs, for every object in a manifest, discovery that
maps its kind to a resource (and says whether it is namespaced) and an OpenAPI v3 document for its
group-version (kubectl reads it to decide how to validate), then GETs the live object. This proxy
forwards every request to the sandbox and adds discovery and OpenAPI v3 entries for the other
built-in kinds the deploy manifests contain (ConfigMap, Service, ServiceAccount, Secret,
Deployment, Role, RoleBinding, NetworkPolicy, Ingress). GETs of those objects reach the sandbox,
which answers 404 NotFound, so kubectl plans a create — as against an empty real cluster.

Schema validation of those kinds is kubernetes-validate's job (test_schemas.py): the OpenAPI
documents here carry the `fieldValidation` parameter, as a real server's do, which tells kubectl
that the server validates fields; they carry no schemas.
"""
from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# (group, version) -> [(resource, kind, namespaced)]
EXTRA_KINDS: dict[tuple[str, str], list[tuple[str, str, bool]]] = {
    ("", "v1"): [
        ("configmaps", "ConfigMap", True),
        ("services", "Service", True),
        ("serviceaccounts", "ServiceAccount", True),
        ("secrets", "Secret", True),
    ],
    ("apps", "v1"): [("deployments", "Deployment", True)],
    ("rbac.authorization.k8s.io", "v1"): [("roles", "Role", True), ("rolebindings", "RoleBinding", True)],
    ("networking.k8s.io", "v1"): [("networkpolicies", "NetworkPolicy", True), ("ingresses", "Ingress", True)],
}
VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]


def _resource(name: str, kind: str, namespaced: bool) -> dict:
    return {"name": name, "singularName": kind.lower(), "namespaced": namespaced, "kind": kind, "verbs": VERBS}


def _gv_path(group: str, version: str) -> str:
    return f"api/{version}" if group == "" else f"apis/{group}/{version}"


def _openapi_paths(group: str, version: str) -> dict:
    paths = {}
    for resource, kind, namespaced in EXTRA_KINDS[(group, version)]:
        prefix = "/" + _gv_path(group, version) + ("/namespaces/{namespace}" if namespaced else "")
        gvk = {"group": group, "version": version, "kind": kind}
        params = [{"name": p, "in": "query", "schema": {"type": "string", "uniqueItems": True}}
                  for p in ("dryRun", "fieldManager", "fieldValidation", "pretty")]
        body = {"content": {"*/*": {"schema": {"type": "object"}}}, "required": True}
        ok = {"200": {"description": "OK"}}
        paths[f"{prefix}/{resource}"] = {
            "post": {"operationId": f"create{kind}", "requestBody": body, "responses": ok, "parameters": params,
                     "x-kubernetes-action": "post", "x-kubernetes-group-version-kind": gvk},
            "parameters": params,
        }
        paths[f"{prefix}/{resource}/{{name}}"] = {
            "patch": {"operationId": f"patch{kind}", "requestBody": body, "responses": ok, "parameters": params,
                      "x-kubernetes-action": "patch", "x-kubernetes-group-version-kind": gvk},
            "put": {"operationId": f"replace{kind}", "requestBody": body, "responses": ok, "parameters": params,
                    "x-kubernetes-action": "put", "x-kubernetes-group-version-kind": gvk},
            "parameters": params,
        }
    return paths


class DiscoveryProxy:
    """Serves on 127.0.0.1:<free port>; `url` is its base URL. Use as a context manager."""

    def __init__(self, upstream: str):
        self.upstream = upstream.rstrip("/")
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def _send(self, status: int, body: bytes, content_type: str = "application/json", headers=()):
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                for k, v in headers:
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(body)

            def _forward(self) -> tuple[int, bytes, str, list]:
                length = int(self.headers.get("Content-Length") or 0)
                data = self.rfile.read(length) if length else None
                request = urllib.request.Request(proxy.upstream + self.path, data=data, method=self.command)
                for key in ("Accept", "Content-Type", "Authorization", "User-Agent"):
                    if self.headers.get(key):
                        request.add_header(key, self.headers[key])
                try:
                    with urllib.request.urlopen(request, timeout=30) as response:
                        return response.status, response.read(), response.headers.get("Content-Type", ""), []
                except urllib.error.HTTPError as error:
                    return error.code, error.read(), error.headers.get("Content-Type", ""), []

            def _upstream_json(self, path: str) -> dict:
                request = urllib.request.Request(proxy.upstream + path, headers={"Accept": "application/json"})
                with urllib.request.urlopen(request, timeout=30) as response:
                    return json.loads(response.read())

            def do_GET(self):
                path = self.path.split("?", 1)[0].rstrip("/")
                if path == "/api/v1":
                    doc = self._upstream_json("/api/v1")
                    known = {r["name"] for r in doc["resources"]}
                    doc["resources"] += [_resource(*r) for r in EXTRA_KINDS[("", "v1")] if r[0] not in known]
                    return self._send(200, json.dumps(doc).encode())
                if path == "/apis":
                    doc = self._upstream_json("/apis")
                    known = {g["name"] for g in doc["groups"]}
                    for (group, version) in EXTRA_KINDS:
                        if group and group not in known:
                            gv = {"groupVersion": f"{group}/{version}", "version": version}
                            doc["groups"].append({"name": group, "versions": [gv], "preferredVersion": gv})
                    return self._send(200, json.dumps(doc).encode())
                for (group, version), kinds in EXTRA_KINDS.items():
                    if group and path in (f"/apis/{group}", f"/apis/{group}/{version}"):
                        if path == f"/apis/{group}":
                            gv = {"groupVersion": f"{group}/{version}", "version": version}
                            doc = {"kind": "APIGroup", "apiVersion": "v1", "name": group,
                                   "versions": [gv], "preferredVersion": gv}
                        else:
                            doc = {"kind": "APIResourceList", "apiVersion": "v1",
                                   "groupVersion": f"{group}/{version}",
                                   "resources": [_resource(*k) for k in kinds]}
                        return self._send(200, json.dumps(doc).encode())
                if path == "/openapi/v3":
                    doc = self._upstream_json("/openapi/v3")
                    for (group, version) in EXTRA_KINDS:
                        key = _gv_path(group, version)
                        doc["paths"][key] = {"serverRelativeURL": f"/openapi/v3/{key}?hash=sortie-deploy-tests"}
                    return self._send(200, json.dumps(doc).encode())
                for (group, version) in EXTRA_KINDS:
                    key = _gv_path(group, version)
                    if path == f"/openapi/v3/{key}":
                        if group == "":
                            doc = self._upstream_json(f"/openapi/v3/{key}")
                        else:
                            doc = {"openapi": "3.0.0", "info": {"title": "Kubernetes", "version": "v1.36.2-sandbox"},
                                   "paths": {}, "components": {"schemas": {}}}
                        doc["paths"].update(_openapi_paths(group, version))
                        return self._send(200, json.dumps(doc).encode())
                self._relay()

            def _relay(self):
                status, body, content_type, headers = self._forward()
                self._send(status, body, content_type or "application/json", headers)

            do_POST = do_PUT = do_PATCH = do_DELETE = _relay

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "DiscoveryProxy":
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
