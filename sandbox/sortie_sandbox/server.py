"""The aiohttp application: middleware (headers, auth, faults, request log) and top-level routing."""
import asyncio
import uuid

from aiohttp import web

from . import discovery
from .api import Api, json_response
from .control import Control
from .errors import ApiError, page_not_found, unauthorized
from .faults import Faults, RequestLog, fault_status
from .kinds import all_kinds
from .kubelet import Kubelet
from .logs import LogHandler
from .portforward import PortForward
from .util import dumps

PUBLIC = {"/healthz", "/readyz", "/livez", "/version"}
FLOWSCHEMA = "3f5a3096-e650-47e0-bd19-da9680df4c1c"
PRIORITY_LEVEL = "b8a5a08e-5bd2-4b43-8f6e-8d0e2d8f3c1a"
WRITE_METHODS = frozenset(("POST", "PUT", "PATCH", "DELETE"))


class Server:
    def __init__(self, cluster, authenticator):
        self.cluster = cluster
        self.auth = authenticator
        self.kinds = all_kinds(cluster)
        self.api = Api(cluster, self.kinds)
        self.api.logs = LogHandler(cluster)
        self.portforward = PortForward(cluster)
        self.api.portforward = self.portforward
        self.kubelet = Kubelet(cluster)
        self.faults = Faults()
        self.reqlog = RequestLog()
        self.control = Control(cluster, self.faults, self.reqlog, self.portforward)
        self.server_address = "127.0.0.1:0"  # set by cli once listening, before any request
        self.write_latency = 0.0  # seconds before each API write (--write-latency), as etcd's commit
        self._documents: dict[str, bytes] = {}  # see _document()

    def app(self) -> web.Application:
        app = web.Application(middlewares=[self.middleware], client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self.route)
        app.on_startup.append(self._startup)
        return app

    async def _startup(self, app):
        self.kubelet.start_heartbeat()

    @web.middleware
    async def middleware(self, request: web.Request, handler):
        headers = {"Audit-Id": str(uuid.uuid4()), "Cache-Control": "no-cache, private",
                   "X-Kubernetes-Pf-Flowschema-Uid": FLOWSCHEMA,
                   "X-Kubernetes-Pf-Prioritylevel-Uid": PRIORITY_LEVEL}
        request["resp_headers"] = headers
        path = request.path
        control = path.startswith("/sandbox/") or path == "/sandbox"
        has_auth = "Authorization" in request.headers
        entry = self.reqlog.add(method=request.method, path=path, query=_redact_query(request.query_string),
                                authPresent=has_auth, user=None, authMethod=None, status=None,
                                watch=request.query.get("watch") in ("true", "1"))
        if control:
            headers.pop("X-Kubernetes-Pf-Flowschema-Uid")
            headers.pop("X-Kubernetes-Pf-Prioritylevel-Uid")
        try:
            if not control:
                who = self.auth.authenticate(request)
                if who:
                    entry["user"], entry["authMethod"] = who
                    if request.transport and request.transport.get_extra_info("peercert"):
                        entry["authPresent"] = True
                elif self.auth.required and path not in PUBLIC:
                    headers.pop("X-Kubernetes-Pf-Flowschema-Uid", None)
                    headers.pop("X-Kubernetes-Pf-Prioritylevel-Uid", None)
                    raise unauthorized()
                if self.write_latency and request.method in WRITE_METHODS:
                    await asyncio.sleep(self.write_latency)
                fault = self.faults.match(request.method, request.path_qs, entry["watch"])
                if fault:
                    entry["fault"] = fault["id"]
                    resp = await self._apply_fault(request, fault, handler, headers)
                    if resp is not None:
                        entry["status"] = resp.status
                        return resp
            resp = await handler(request)
        except ApiError as e:
            h = dict(headers)
            h.update(e.headers)
            resp = json_response(e.body, e.code, h)
        except web.HTTPException as e:
            resp = json_response(ApiError(e.status, e.reason or "error").body, e.status, headers)
        except (asyncio.CancelledError, ConnectionResetError):
            entry["status"] = 499
            raise
        if not resp.prepared:
            for k, v in headers.items():
                resp.headers.setdefault(k, v)
        entry["status"] = resp.status
        return resp

    async def _apply_fault(self, request, fault, handler, headers):
        if fault.get("delay"):
            await asyncio.sleep(float(fault["delay"]))
        if fault.get("drop"):
            if request.transport:
                request.transport.abort()
            raise asyncio.CancelledError()
        if fault.get("status"):
            code = int(fault["status"])
            h = dict(headers)
            if fault.get("retryAfter") is not None or code == 429:
                h["Retry-After"] = str(int(fault.get("retryAfter") or 1))
            return json_response(fault_status(code, fault.get("retryAfter")), code, h)
        if fault.get("dropAfterBytes") is not None:
            resp = await handler(request)
            body = resp.body if isinstance(resp, web.Response) else b""
            if not isinstance(body, (bytes, bytearray)):
                body = b""
            n = int(fault["dropAfterBytes"])
            out = web.StreamResponse(status=resp.status, headers=dict(headers))
            out.content_type = resp.content_type
            out.content_length = len(body)
            await out.prepare(request)
            await out.write(body[:n])
            if request.transport:
                await asyncio.sleep(0.05)
                request.transport.abort()
            raise asyncio.CancelledError()
        if fault.get("cutWatchAfterEvents") is not None or fault.get("watchGone"):
            request["fault"] = fault
        return None

    def _document(self, key, build, headers):
        """A discovery or OpenAPI document. They do not change while the server runs, and kubectl
        fetches several per invocation (the OpenAPI root hashes every group's document): each is
        built and encoded once."""
        body = self._documents.get(key)
        if body is None:
            body = self._documents[key] = dumps(build())
        return web.Response(body=body, headers=headers, content_type="application/json")

    async def route(self, request: web.Request):
        path = request.path
        parts = [p for p in path.split("/") if p]
        if path.startswith("/sandbox/"):
            return await self.control.handle(request)
        h = request["resp_headers"]
        if request.method == "GET":
            if path in ("/healthz", "/readyz", "/livez"):
                return web.Response(text="ok", headers=h, content_type="text/plain")
            if path == "/version":
                return json_response(discovery.VERSION, headers=h)
            if path == "/api":
                return self._document("api", lambda: discovery.api_versions(self.server_address), h)
            if path == "/api/v1":
                return self._document("api/v1", lambda: discovery.resource_list(self.kinds, "", "v1"), h)
            if path == "/apis":
                return self._document("apis", lambda: discovery.api_group_list(self.kinds), h)
            if len(parts) == 2 and parts[0] == "apis":
                g = discovery.api_group(self.kinds, parts[1])
                if g is None:
                    raise page_not_found()
                return json_response(g, headers=h)
            if len(parts) == 3 and parts[0] == "apis":
                if discovery.api_group(self.kinds, parts[1]) is None or parts[2] != "v1":
                    raise page_not_found()
                return self._document(f"apis/{parts[1]}/v1",
                                      lambda: discovery.resource_list(self.kinds, parts[1], parts[2]), h)
            if path == "/openapi/v2":
                return self._document("openapi/v2", lambda: discovery.openapi_v2(self.kinds), h)
            if path == "/openapi/v3":
                return self._document("openapi/v3", lambda: discovery.openapi_v3_root(self.kinds), h)
            if path.startswith("/openapi/v3/"):
                rest = parts[2:]
                if rest == ["api", "v1"]:
                    return self._document("openapi/v3/api/v1", lambda: discovery.openapi_v3(self.kinds, "", "v1"), h)
                if len(rest) == 3 and rest[0] == "apis":
                    if discovery.api_group(self.kinds, rest[1]) is None or rest[2] != "v1":  # not cached
                        return json_response(discovery.openapi_v3(self.kinds, rest[1], rest[2]), headers=h)
                    return self._document(f"openapi/v3/apis/{rest[1]}/v1",
                                          lambda: discovery.openapi_v3(self.kinds, rest[1], rest[2]), h)
                raise page_not_found()
        if len(parts) >= 2 and parts[0] == "api" and parts[1] == "v1":
            return await self.api.dispatch(request, "", "v1", parts[2:])
        if len(parts) >= 3 and parts[0] == "apis":
            return await self.api.dispatch(request, parts[1], parts[2], parts[3:])
        raise page_not_found()


def _redact_query(qs: str) -> str:
    if not qs:
        return ""
    out = []
    for part in qs.split("&"):
        k, _, v = part.partition("=")
        if k.lower() in ("token", "access_token", "password"):
            v = "REDACTED"
        out.append(f"{k}={v}" if _ else k)
    return "&".join(out)
