"""The /sandbox/* control plane (no auth, loopback only): faults, request log, compaction,
restart, pod failure/readiness knobs, settings and state."""
import ipaddress
import json

from aiohttp import web

from .errors import ApiError, bad_request, not_found
from .util import dumps


def _json(body, status=200):
    return web.Response(body=dumps(body), status=status, content_type="application/json")


class Control:
    def __init__(self, cluster, faults, reqlog, portforward):
        self.cluster = cluster
        self.faults = faults
        self.reqlog = reqlog
        self.portforward = portforward

    async def _body(self, request):
        raw = await request.read()
        if not raw:
            return {}
        try:
            body = json.loads(raw)
        except ValueError:
            raise bad_request("invalid JSON body") from None
        if not isinstance(body, dict):
            raise bad_request("expected a JSON object")
        return body

    async def handle(self, request: web.Request):
        remote = request.remote or ""
        try:
            if not ipaddress.ip_address(remote.split("%")[0]).is_loopback:
                raise ApiError(403, "the sandbox control plane only answers loopback clients", "Forbidden")
        except ValueError:
            pass
        parts = [p for p in request.path.split("/") if p][1:]
        m = request.method
        c = self.cluster
        if parts == ["faults"]:
            if m == "POST":
                try:
                    return _json(self.faults.add(await self._body(request)), 201)
                except (ValueError, TypeError) as e:
                    raise bad_request(str(e)) from None
            if m == "DELETE":
                self.faults.clear()
                return _json({"cleared": True})
            if m == "GET":
                return _json({"faults": self.faults.list()})
        elif parts == ["requests"]:
            if m == "GET":
                return _json({"requests": self.reqlog.list()})
            if m == "DELETE":
                self.reqlog.clear()
                return _json({"cleared": True})
        elif parts == ["compact"] and m == "POST":
            c.store.compact()
            return _json({"compactedResourceVersion": str(c.store.compacted_rv)})
        elif parts == ["restart"] and m == "POST":
            c.store.restart()
            return _json({"resourceVersion": str(c.store.rv)})
        elif parts == ["settings"]:
            if m == "POST":
                body = await self._body(request)
                s = c.settings
                for key, attr in (("readyDelay", "ready_delay"), ("terminationDelay", "termination_delay"),
                                  ("bookmarkInterval", "bookmark_interval")):
                    if key in body:
                        setattr(s, attr, float(body[key]))
                if "podSecurity" in body:
                    s.pod_security = body["podSecurity"]
                if "historyWindow" in body:
                    c.store.window = int(body["historyWindow"])
            s = c.settings
            return _json({"readyDelay": s.ready_delay, "terminationDelay": s.termination_delay,
                          "bookmarkInterval": s.bookmark_interval, "podSecurity": s.pod_security,
                          "historyWindow": c.store.window})
        elif parts == ["state"] and m == "GET":
            return _json({"pods": c.counts_by_phase(), "podCount": len(c.store.list("pods")),
                          "resourceVersion": str(c.store.rv), "compactedResourceVersion": str(c.store.compacted_rv),
                          "watchers": len(c.store.watchers), "portForwards": self.portforward.active})
        elif len(parts) == 4 and parts[0] == "pods" and parts[3] in ("fail", "ready") and m == "POST":
            ns, name = parts[1], parts[2]
            pod = c.store.get("pods", ns, name)
            if pod is None:
                raise not_found("pods", name)
            if parts[3] == "fail":
                body = await self._body(request)
                out = c.kubelet.force_fail(pod, body.get("reason"), body.get("message"), bool(body.get("unknown")))
            else:
                out = c.kubelet.force_ready(pod)
            if out is None:
                raise bad_request("pod is not managed by the simulated kubelet (terminating?)")
            return _json(dict({"kind": "Pod", "apiVersion": "v1"}, **out))
        raise ApiError(404, "unknown sandbox control endpoint", "NotFound")
