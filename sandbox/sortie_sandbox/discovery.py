"""Discovery (/version, /api, /api/v1, /apis, /apis/GROUP[/VERSION]) and a small OpenAPI v2/v3
that advertises the fieldValidation/dryRun parameters kubectl looks for."""
import hashlib

from .util import dumps

VERSION = {"major": "1", "minor": "36", "emulationMajor": "1", "emulationMinor": "36",
           "minCompatibilityMajor": "1", "minCompatibilityMinor": "35", "gitVersion": "v1.36.2-sandbox",
           "gitCommit": "0000000000000000000000000000000000000000", "gitTreeState": "clean",
           "buildDate": "2026-11-22T00:00:00Z", "goVersion": "go1.27.3", "compiler": "gc",
           "platform": "linux/amd64"}

STORAGE_HASH = {"pods": "xPOwRZ+Yhw8=", "events": "r2yiGXH7wu8=", "namespaces": "Q3oi5N2YM8M=",
                "resourcequotas": "8uhSgffRX6w=", "leases": "gX+Hv9sTE5I="}


def api_versions(server_address):
    return {"kind": "APIVersions", "versions": ["v1"],
            "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": server_address}]}


def _resource_entries(k):
    out = [{"name": k.resource, "singularName": k.singular, "namespaced": k.namespaced, "kind": k.kind,
            "verbs": k.verbs}]
    if k.short_names:
        out[0]["shortNames"] = k.short_names
    if k.categories:
        out[0]["categories"] = k.categories
    out[0]["storageVersionHash"] = STORAGE_HASH.get(k.resource, "")
    if k.resource == "pods":
        out.append({"name": "pods/log", "singularName": "", "namespaced": True, "kind": "Pod", "verbs": ["get"]})
        out.append({"name": "pods/portforward", "singularName": "", "namespaced": True,
                    "kind": "PodPortForwardOptions", "verbs": ["create", "get"]})
    if k.has_status:
        out.append({"name": f"{k.resource}/status", "singularName": "", "namespaced": k.namespaced,
                    "kind": k.kind, "verbs": ["get", "patch", "update"]})
    return out


def resource_list(kinds, group, version):
    gv = f"{group}/{version}" if group else version
    res = []
    for k in sorted((k for k in kinds if k.group == group and k.version == version), key=lambda k: k.resource):
        res.extend(_resource_entries(k))
    out = {"kind": "APIResourceList"}
    if group:
        out["apiVersion"] = "v1"
    out.update(groupVersion=gv, resources=res)
    return out


def groups(kinds):
    names = sorted({k.group for k in kinds if k.group})
    return [{"name": g, "versions": [{"groupVersion": f"{g}/v1", "version": "v1"}],
             "preferredVersion": {"groupVersion": f"{g}/v1", "version": "v1"}} for g in names]


def api_group_list(kinds):
    return {"kind": "APIGroupList", "apiVersion": "v1", "groups": groups(kinds)}


def api_group(kinds, name):
    for g in groups(kinds):
        if g["name"] == name:
            return dict({"kind": "APIGroup", "apiVersion": "v1"}, **g)
    return None


# ---- OpenAPI ---------------------------------------------------------------------------------------
def _params(names):
    return [{"name": n, "in": "query", "schema": {"type": "string", "uniqueItems": True}} for n in names]


def _gvk(k):
    return [{"group": k.group, "version": k.version, "kind": k.kind}]


def _schema_name(k):
    return f"io.k8s.api.{'core' if not k.group else k.group.split('.')[0]}.{k.version}.{k.kind}"


def openapi_v3(kinds, group, version):
    """The OpenAPI v3 document of one group version (enough for kubectl's fieldValidation check)."""
    paths = {}
    schemas = {}
    write = ["dryRun", "fieldManager", "fieldValidation", "pretty"]
    for k in kinds:
        if k.group != group or k.version != version:
            continue
        prefix = f"/apis/{group}/{version}" if group else "/api/v1"
        sref = {"$ref": f"#/components/schemas/{_schema_name(k)}"}
        body = {"content": {"*/*": {"schema": sref}}, "required": True}
        ok = {"200": {"description": "OK", "content": {"application/json": {"schema": sref}}}}
        ext = {"x-kubernetes-group-version-kind": _gvk(k)[0]}
        coll = f"{prefix}/namespaces/{{namespace}}/{k.resource}" if k.namespaced else f"{prefix}/{k.resource}"
        paths[coll] = {
            "get": dict({"operationId": f"list{k.kind}", "parameters": _params(["labelSelector", "fieldSelector",
                                                                                "limit", "continue", "watch"]),
                         "responses": ok, "x-kubernetes-action": "list"}, **ext),
            "post": dict({"operationId": f"create{k.kind}", "requestBody": body, "responses": ok,
                          "x-kubernetes-action": "post"}, **ext),
            "parameters": _params(["pretty"]) + ([{"name": "namespace", "in": "path", "required": True,
                                                  "schema": {"type": "string"}}] if k.namespaced else []),
        }
        item = coll + "/{name}"
        patch_body = {"content": {t: {"schema": {"type": "object"}} for t in
                                  ("application/json-patch+json", "application/merge-patch+json",
                                   "application/strategic-merge-patch+json", "application/apply-patch+yaml")},
                      "required": True}
        paths[item] = {
            "get": dict({"operationId": f"read{k.kind}", "responses": ok, "x-kubernetes-action": "get"}, **ext),
            "put": dict({"operationId": f"replace{k.kind}", "requestBody": body, "responses": ok,
                         "parameters": _params(write), "x-kubernetes-action": "put"}, **ext),
            "patch": dict({"operationId": f"patch{k.kind}", "requestBody": patch_body, "responses": ok,
                           "parameters": _params(write + ["force"]), "x-kubernetes-action": "patch"}, **ext),
            "delete": dict({"operationId": f"delete{k.kind}", "responses": ok,
                            "parameters": _params(["dryRun", "gracePeriodSeconds", "propagationPolicy"]),
                            "x-kubernetes-action": "delete"}, **ext),
            "parameters": [{"name": "name", "in": "path", "required": True, "schema": {"type": "string"}}],
        }
        paths[coll]["post"]["parameters"] = _params(write)
        schemas[_schema_name(k)] = {"type": "object", "x-kubernetes-group-version-kind": _gvk(k),
                                    "properties": {"apiVersion": {"type": "string"}, "kind": {"type": "string"},
                                                   "metadata": {"type": "object"}, "spec": {"type": "object"},
                                                   "status": {"type": "object"}}}
    return {"openapi": "3.0.0", "info": {"title": "Kubernetes", "version": VERSION["gitVersion"]},
            "paths": paths, "components": {"schemas": schemas}}


def openapi_v3_root(kinds):
    gvs = {("", "v1")} | {(k.group, k.version) for k in kinds}
    out = {}
    for g, v in sorted(gvs):
        path = f"apis/{g}/{v}" if g else "api/v1"
        h = hashlib.sha512(dumps(openapi_v3(kinds, g, v))).hexdigest().upper()[:128]
        out[path] = {"serverRelativeURL": f"/openapi/v3/{path}?hash={h}"}
    return {"paths": out}


def openapi_v2(kinds):
    defs = {}
    paths = {}
    for k in kinds:
        defs[_schema_name(k)] = {"type": "object", "x-kubernetes-group-version-kind": _gvk(k),
                                 "properties": {"apiVersion": {"type": "string"}, "kind": {"type": "string"},
                                                "metadata": {"type": "object"}, "spec": {"type": "object"},
                                                "status": {"type": "object"}}}
        prefix = f"/apis/{k.group}/{k.version}" if k.group else "/api/v1"
        coll = f"{prefix}/namespaces/{{namespace}}/{k.resource}" if k.namespaced else f"{prefix}/{k.resource}"
        params = [{"uniqueItems": True, "type": "string", "name": n, "in": "query"}
                  for n in ("dryRun", "fieldManager", "fieldValidation")]
        paths[coll] = {"post": {"operationId": f"create{k.kind}", "parameters": params,
                                "x-kubernetes-action": "post", "x-kubernetes-group-version-kind": _gvk(k)[0],
                                "responses": {"200": {"description": "OK"}}}}
        paths[coll + "/{name}"] = {"patch": {"operationId": f"patch{k.kind}", "parameters": params,
                                             "x-kubernetes-action": "patch",
                                             "x-kubernetes-group-version-kind": _gvk(k)[0],
                                             "responses": {"200": {"description": "OK"}}}}
    return {"swagger": "2.0", "info": {"title": "Kubernetes", "version": VERSION["gitVersion"]},
            "paths": paths, "definitions": defs}
