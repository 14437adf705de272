"""REST handlers for /api/v1 and /apis/GROUP/VERSION: get, list, watch, create, replace, patch,
delete, deletecollection and the status subresource, shared by every kind."""
import base64
import copy
import json

import yaml
from aiohttp import web

from . import patch as patchlib
from . import schema, selectors, tables, watch
from .errors import ApiError, already_exists, bad_request, conflict, gone, invalid, method_not_allowed, \
    not_found, page_not_found
from .pods import generate_name, managed_fields
from .util import dumps, new_uid, ts


def json_response(body, status=200, headers=None):
    return web.Response(body=dumps(body), status=status, headers=headers or {},
                        content_type="application/json")


class Api:
    def __init__(self, cluster, kinds):
        self.cluster = cluster
        self.kinds = {(k.group, k.version, k.resource): k for k in kinds}
        self.logs = None  # set by server (logs.LogHandler)
        self.portforward = None  # set by server

    def kind_for(self, group, version, resource):
        return self.kinds.get((group, version, resource))

    # ---- routing -------------------------------------------------------------------------------
    async def dispatch(self, request: web.Request, group: str, version: str, rest: list[str]):
        """rest: the path segments after /api/v1 or /apis/g/v."""
        ns = None
        if len(rest) >= 3 and rest[0] == "namespaces" and self.kind_for(group, version, rest[2]) is not None \
                and self.kind_for(group, version, rest[2]).namespaced:
            ns = rest[1]
            rest = rest[2:]
        if not rest:
            raise page_not_found()
        kdef = self.kind_for(group, version, rest[0])
        if kdef is None:
            raise page_not_found()
        if kdef.namespaced and ns is None and len(rest) > 1:
            raise page_not_found()
        name = rest[1] if len(rest) > 1 else None
        sub = rest[2] if len(rest) > 2 else None
        if len(rest) > 3:
            raise page_not_found()
        m = request.method
        if name is None:
            if m == "GET":
                return await self.list_or_watch(request, kdef, ns)
            if m == "POST":
                if kdef.namespaced and ns is None:
                    raise method_not_allowed()
                return await self.create(request, kdef, ns)
            if m == "DELETE" and "deletecollection" in kdef.verbs:
                return await self.delete_collection(request, kdef, ns)
            raise method_not_allowed()
        if sub is None:
            if m == "GET":
                return self.get(request, kdef, ns, name)
            if m == "PUT":
                return await self.replace(request, kdef, ns, name, None)
            if m == "PATCH":
                return await self.patch(request, kdef, ns, name, None)
            if m == "DELETE":
                return await self.delete(request, kdef, ns, name)
            raise method_not_allowed()
        if sub == "status" and kdef.has_status:
            if m == "GET":
                return self.get(request, kdef, ns, name)
            if m == "PUT":
                return await self.replace(request, kdef, ns, name, "status")
            if m == "PATCH":
                return await self.patch(request, kdef, ns, name, "status")
            raise method_not_allowed()
        if kdef.resource == "pods" and sub == "log":
            if m != "GET":
                raise method_not_allowed()
            return await self.logs.handle(request, ns, name)
        if kdef.resource == "pods" and sub == "portforward":
            if m not in ("GET", "POST"):
                raise method_not_allowed()
            return await self.portforward.handle(request, ns, name)
        raise page_not_found()

    # ---- helpers -------------------------------------------------------------------------------
    def _headers(self, request):
        return request.get("resp_headers", {})

    def _current(self, kdef, ns, name):
        obj = self.cluster.store.get(kdef.resource, ns or "", name)
        if obj is None:
            raise not_found(kdef.resource, name, kdef.group or None)
        return obj

    def _wire(self, kdef, obj):
        return dict({"kind": kdef.kind, "apiVersion": kdef.api_version}, **obj)

    async def _body(self, request):
        raw = await request.read()
        if not raw:
            raise bad_request("the body of the request was in an unknown format - accepted media types include: "
                              "application/json, application/yaml, application/vnd.kubernetes.protobuf")
        ctype = request.content_type
        try:
            if "yaml" in ctype:
                return yaml.safe_load(raw)
            return json.loads(raw)
        except (ValueError, yaml.YAMLError) as e:
            raise bad_request(f"error decoding body: {e}") from None

    def _dry_run(self, request):
        dr = request.query.getall("dryRun", [])
        for v in dr:
            if v != "All":
                raise bad_request(f'dryRun: Unsupported value: "{v}": supported values: "All"')
        return bool(dr)

    def _manager(self, request):
        fm = request.query.get("fieldManager")
        if fm:
            return fm
        ua = request.headers.get("User-Agent", "unknown")
        return ua.split("/")[0] or "unknown"

    def _decode_typed(self, request, kdef, obj, headers):
        """Type checks + field validation, like the real decoder."""
        if not isinstance(obj, dict):
            raise bad_request(f"{kdef.kind} in version \"{kdef.version}\" cannot be handled as a {kdef.kind}: "
                              f"json: cannot unmarshal {type(obj).__name__} into Go value of type "
                              f"{kdef.group or 'core'}.{kdef.kind}")
        av, k = obj.get("apiVersion"), obj.get("kind")
        if av and av != kdef.api_version:
            raise bad_request(f"the API version in the data ({av}) does not match the expected API version "
                              f"({kdef.api_version})")
        if k and k != kdef.kind:
            raise bad_request(f"the kind in the data ({k}) does not match the expected kind ({kdef.kind})")
        if not isinstance(obj.get("metadata", {}), dict):
            raise bad_request(f"{kdef.kind} in version \"{kdef.version}\" cannot be handled as a {kdef.kind}")
        mode = request.query.get("fieldValidation", "Warn")
        if mode not in ("Strict", "Warn", "Ignore"):
            raise bad_request(f'fieldValidation: Unsupported value: "{mode}": supported values: "Ignore", '
                              f'"Strict", "Warn"')
        unknown = schema.unknown_fields(kdef.kind, obj)
        if unknown:
            if mode == "Strict":
                fields = ", ".join(f'unknown field "{u}"' for u in unknown)
                raise bad_request(f'{kdef.kind} in version "{kdef.version}" cannot be handled as a {kdef.kind}: '
                                  f"strict decoding error: {fields}")
            if mode == "Warn":
                headers["Warning"] = ", ".join(f'299 - "unknown field \\"{u}\\""' for u in unknown)
            schema.drop_unknown(kdef.kind, obj)
        obj.pop("apiVersion", None)
        obj.pop("kind", None)
        obj.setdefault("metadata", {})
        return obj

    def _check_namespace(self, kdef, ns):
        if kdef.namespaced and ns and self.cluster.store.get("namespaces", "", ns) is None:
            raise not_found("namespaces", ns)

    # ---- verbs -------------------------------------------------------------------------------------
    def get(self, request, kdef, ns, name):
        obj = self._current(kdef, ns, name)
        if tables.wants_table(request.headers.get("Accept", "")):
            return json_response(tables.table(kdef.kind, kdef.api_version, [obj],
                                              {"resourceVersion": obj["metadata"].get("resourceVersion", "")},
                                              request.query.get("includeObject", "Metadata")),
                                 headers=self._headers(request))
        return json_response(self._wire(kdef, obj), headers=self._headers(request))

    def _matcher(self, request, kdef):
        lreqs = selectors.parse_label_selector(request.query.get("labelSelector"))
        freqs = selectors.parse_field_selector(request.query.get("fieldSelector"))
        return lambda o: selectors.label_match(lreqs, o["metadata"].get("labels")) and \
            selectors.field_match(freqs, o)

    async def list_or_watch(self, request, kdef, ns):
        match = self._matcher(request, kdef)
        q = request.query
        if q.get("watch") in ("true", "1", "True"):
            return await watch.serve(request, self.cluster, kdef, ns, match, q, self._headers(request))
        store = self.cluster.store
        rv, rvm = q.get("resourceVersion", ""), q.get("resourceVersionMatch", "")
        if rvm and rvm not in ("Exact", "NotOlderThan"):
            raise bad_request(f'resourceVersionMatch: Unsupported value: "{rvm}"')
        if rvm and not rv:
            raise invalid("ListOptions", "", [("FieldValueForbidden", "resourceVersionMatch",
                                               "Forbidden: resourceVersionMatch is forbidden unless "
                                               "resourceVersion is provided")])
        list_rv = store.rv
        start = ""
        cont = q.get("continue")
        if cont:
            try:
                tok = json.loads(base64.urlsafe_b64decode(cont + "=" * (-len(cont) % 4)))
                start, list_rv = tok["start"], int(tok["rv"])
            except Exception:
                raise bad_request("continue key is not valid: incorrect encoded start resourceVersion "
                                  "(version meta.k8s.io/v1)") from None
            if list_rv < store.compacted_rv:
                raise gone("The provided continue parameter is too old to display a consistent list result. "
                           "You can start a new list without the continue parameter, or use the continue "
                           "token in this response to retrieve the remainder of the results. Continuing with "
                           "the provided token results in an inconsistent list - objects that were created, "
                           "modified, or deleted between the time the first chunk was returned and now may "
                           "show up in the list.")
        if rv and rvm == "Exact" and not cont:
            try:
                rvi = int(rv)
            except ValueError:
                raise bad_request(f'invalid resource version "{rv}"') from None
            objs = store.snapshot_at(kdef.resource, rvi, ns)
            list_rv = rvi
        elif cont and list_rv != store.rv:
            try:
                objs = store.snapshot_at(kdef.resource, list_rv, ns)
            except ApiError:
                objs = store.list(kdef.resource, ns)
        else:
            if rv and rv not in ("0",):
                try:
                    if int(rv) > store.rv:
                        raise ApiError(504, f"Too large resource version: {rv}, current: {store.rv}", "Timeout",
                                       {"causes": [{"reason": "ResourceVersionTooLarge",
                                                    "message": "Too large resource version"}],
                                        "retryAfterSeconds": 1})
                except ValueError:
                    raise bad_request(f'invalid resource version "{rv}"') from None
            objs = store.list(kdef.resource, ns)
        keyed = []
        for o in objs:
            md = o["metadata"]
            key = f"{md['namespace']}/{md['name']}" if kdef.namespaced and not ns else md["name"]
            if start and key < start:
                continue
            if match(o):
                keyed.append((key, o))
        meta = {"resourceVersion": str(list_rv)}
        limit = q.get("limit")
        if limit:
            try:
                n = int(limit)
            except ValueError:
                n = 0
            if 0 < n < len(keyed):
                page = keyed[:n]
                tok = {"v": "meta.k8s.io/v1", "rv": list_rv, "start": page[-1][0] + "\u0000"}
                meta["continue"] = base64.urlsafe_b64encode(dumps(tok)).decode().rstrip("=")
                meta["remainingItemCount"] = len(keyed) - n
                keyed = page
        items = [o for _, o in keyed]
        if tables.wants_table(request.headers.get("Accept", "")):
            body = tables.table(kdef.kind, kdef.api_version, items, meta, q.get("includeObject", "Metadata"))
        else:
            body = {"kind": kdef.list_kind, "apiVersion": kdef.api_version, "metadata": meta, "items": items}
        return json_response(body, headers=self._headers(request))

    async def create(self, request, kdef, ns):
        headers = dict(self._headers(request))
        obj = self._decode_typed(request, kdef, await self._body(request), headers)
        dry = self._dry_run(request)
        md = obj["metadata"]
        if kdef.namespaced:
            if md.get("namespace") and md["namespace"] != ns:
                raise bad_request("the namespace of the provided object does not match the namespace sent on the "
                                  "request")
            md["namespace"] = ns
            self._check_namespace(kdef, ns)
        else:
            md.pop("namespace", None)
        generate_name(md)
        for k in ("uid", "resourceVersion", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds",
                  "generation", "selfLink"):
            md.pop(k, None)
        kdef.prepare_create(obj, ns)
        name = md["name"]
        if self.cluster.store.get(kdef.resource, ns or "", name) is not None:
            raise already_exists(kdef.resource, name, kdef.group or None)
        t = ts()
        out = {"name": name}
        if md.get("generateName"):
            out["generateName"] = md["generateName"]
        if kdef.namespaced:
            out["namespace"] = ns
        out["uid"] = new_uid()
        if not dry:
            # set by the store; the key is here for the real server's order (after uid), so that the
            # stored object needs no reordering after the watchers have been handed it
            out["resourceVersion"] = ""
        if kdef.generation:
            out["generation"] = 1
        out["creationTimestamp"] = t
        for k in ("labels", "annotations", "ownerReferences", "finalizers"):
            if md.get(k):
                out[k] = md[k]
        body = {k: v for k, v in obj.items() if k != "metadata"}
        mf = managed_fields(dict(body, metadata=md), self._manager(request), kdef.api_version,
                            skip_spec=("serviceAccountName", "serviceAccount", "tolerations", "priority",
                                       "preemptionPolicy", "volumes") if kdef.kind == "Pod" else ())
        mf["time"] = t
        if kdef.kind == "Pod":
            mf["fieldsV1"].pop("f:status", None)
        out["managedFields"] = [mf]
        obj = dict({"metadata": out}, **body)
        if dry:
            return json_response(self._wire(kdef, obj), 201, headers)
        stored = self.cluster.store.create(kdef.resource, obj)
        kdef.after_create(stored)
        return json_response(self._wire(kdef, stored), 201, headers)

    def _merge_update(self, kdef, old, new, subresource, request):
        """Carries over server-owned fields; returns the object to store."""
        omd, nmd = old["metadata"], new.setdefault("metadata", {})
        if nmd.get("name") and nmd["name"] != omd["name"]:
            raise bad_request(f'the name of the object ({nmd["name"]}) does not match the name on the URL '
                              f'({omd["name"]})')
        rv = nmd.get("resourceVersion")
        if rv and rv != omd["resourceVersion"]:
            raise conflict(kdef.resource, omd["name"], kdef.group or None)
        if nmd.get("uid") and nmd["uid"] != omd["uid"]:
            raise conflict(kdef.resource, omd["name"], kdef.group or None)
        if subresource == "status":
            out = copy.deepcopy(old)
            out["status"] = new.get("status", {})
        else:
            out = copy.deepcopy(new)
            if kdef.has_status and kdef.kind != "Namespace":
                out["status"] = copy.deepcopy(old.get("status", {}))
            elif kdef.kind == "Namespace":
                out["status"] = copy.deepcopy(old.get("status", {}))
                out["spec"] = copy.deepcopy(old.get("spec", {}))
        md = out["metadata"]
        for k in ("name", "namespace", "uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds",
                  "generation", "generateName", "managedFields"):
            if k in omd:
                md[k] = omd[k]
            else:
                md.pop(k, None)
        if subresource == "status":
            md.update({k: v for k, v in omd.items()})
        if kdef.generation and out.get("spec") != old.get("spec"):
            md["generation"] = omd.get("generation", 1) + 1
        if kdef.kind == "Namespace":
            md.setdefault("labels", {})["kubernetes.io/metadata.name"] = omd["name"]
        mgr = self._manager(request)
        mf = [m for m in md.get("managedFields", []) if not (m.get("manager") == mgr and
                                                              m.get("subresource") == subresource)]
        entry = managed_fields(out if subresource is None else {"status": out.get("status")}, mgr,
                               kdef.api_version, subresource=subresource)
        entry["time"] = ts()
        mf.append(entry)
        md["managedFields"] = mf
        return out

    async def _finish_update(self, request, kdef, ns, name, old, new, subresource, headers):
        if new == old:
            return json_response(self._wire(kdef, old), 200, headers)
        if subresource is None:
            kdef.prepare_update(old, new)
        if self._dry_run(request):
            return json_response(self._wire(kdef, new), 200, headers)
        stored = self.cluster.store.update(kdef.resource, new)
        kdef.after_update(stored)
        return json_response(self._wire(kdef, stored), 200, headers)

    async def replace(self, request, kdef, ns, name, subresource):
        headers = dict(self._headers(request))
        obj = self._decode_typed(request, kdef, await self._body(request), headers)
        old = self._current(kdef, ns, name)
        if obj["metadata"].get("namespace") and obj["metadata"]["namespace"] != (ns or ""):
            raise bad_request("the namespace of the provided object does not match the namespace sent on the "
                              "request")
        new = self._merge_update(kdef, old, obj, subresource, request)
        return await self._finish_update(request, kdef, ns, name, old, new, subresource, headers)

    async def patch(self, request, kdef, ns, name, subresource):
        headers = dict(self._headers(request))
        old = self._current(kdef, ns, name)
        p = await self._body(request)
        ctype = request.content_type
        base = self._wire(kdef, old)
        if ctype == "application/json-patch+json":
            patched = patchlib.json_patch(base, p)
        elif ctype == "application/merge-patch+json":
            patched = patchlib.merge_patch(base, p)
        elif ctype == "application/strategic-merge-patch+json":
            patched = patchlib.strategic_merge_patch(base, p)
        elif ctype == "application/apply-patch+yaml":
            patched = patchlib.merge_patch(base, p)
        else:
            raise ApiError(415, f'the body of the request was in an unknown format - accepted media types include: '
                           f'application/json-patch+json, application/merge-patch+json, '
                           f'application/apply-patch+yaml, application/strategic-merge-patch+json',
                           "UnsupportedMediaType")
        patched = self._decode_typed(request, kdef, patched, headers)
        new = self._merge_update(kdef, old, patched, subresource, request)
        return await self._finish_update(request, kdef, ns, name, old, new, subresource, headers)

    async def _delete_options(self, request):
        opts = {}
        if request.can_read_body:
            raw = await request.read()
            if raw:
                try:
                    opts = json.loads(raw)
                except ValueError:
                    raise bad_request("error decoding DeleteOptions") from None
        q = request.query
        if "gracePeriodSeconds" in q:
            try:
                opts["gracePeriodSeconds"] = int(q["gracePeriodSeconds"])
            except ValueError:
                raise bad_request("invalid gracePeriodSeconds") from None
        if "propagationPolicy" in q:
            opts["propagationPolicy"] = q["propagationPolicy"]
        if q.getall("dryRun", []):
            opts["dryRun"] = q.getall("dryRun")
        pp = opts.get("propagationPolicy")
        if pp and pp not in ("Orphan", "Background", "Foreground"):
            raise bad_request(f'propagationPolicy: Unsupported value: "{pp}"')
        return opts

    async def delete(self, request, kdef, ns, name):
        opts = await self._delete_options(request)
        obj = self._current(kdef, ns, name)
        pre = opts.get("preconditions") or {}
        if pre.get("uid") and pre["uid"] != obj["metadata"]["uid"]:
            raise conflict(kdef.resource, name, kdef.group or None)
        if pre.get("resourceVersion") and pre["resourceVersion"] != obj["metadata"]["resourceVersion"]:
            raise conflict(kdef.resource, name, kdef.group or None)
        code, body = kdef.delete(obj, opts.get("gracePeriodSeconds"), bool(opts.get("dryRun")))
        if body.get("kind") != "Status":
            body = self._wire(kdef, body)
        return json_response(body, code, self._headers(request))

    async def delete_collection(self, request, kdef, ns):
        opts = await self._delete_options(request)
        match = self._matcher(request, kdef)
        items = []
        for o in list(self.cluster.store.list(kdef.resource, ns)):
            if match(o):
                _, body = kdef.delete(o, opts.get("gracePeriodSeconds"), bool(opts.get("dryRun")))
                items.append(body if body.get("kind") != "Status" else o)
        return json_response({"kind": kdef.list_kind, "apiVersion": kdef.api_version,
                              "metadata": {"resourceVersion": str(self.cluster.store.rv)}, "items": items},
                             headers=self._headers(request))
