"""GET pods/{name}/log: plain-text container logs (container, follow, tailLines, timestamps,
limitBytes, sinceSeconds)."""
import asyncio
import datetime

from aiohttp import web

from .errors import bad_request, not_found
from .util import now, parse_ts


class LogHandler:
    def __init__(self, cluster):
        self.cluster = cluster

    def _container(self, pod, name_q):
        spec = pod.get("spec") or {}
        names = [c["name"] for c in spec.get("containers") or []]
        inits = [c["name"] for c in spec.get("initContainers") or []]
        name = name_q
        if not name:
            default = (pod["metadata"].get("annotations") or {}).get("kubectl.kubernetes.io/default-container")
            if default:
                name = default
            elif len(names) == 1:
                name = names[0]
            else:
                msg = f"a container name must be specified for pod {pod['metadata']['name']}, choose one of: " \
                      f"[{' '.join(names)}]"
                if inits:
                    msg += f" or one of the init containers: [{' '.join(inits)}]"
                raise bad_request(msg)
        if name not in names and name not in inits:
            raise bad_request(f"container {name} is not valid for pod {pod['metadata']['name']}")
        return name

    def _check_started(self, pod, cname):
        st = pod.get("status") or {}
        for cs in (st.get("containerStatuses") or []) + (st.get("initContainerStatuses") or []):
            if cs["name"] == cname:
                w = (cs.get("state") or {}).get("waiting")
                if w and not (cs.get("lastState") or {}).get("terminated"):
                    raise bad_request(f'container "{cname}" in pod "{pod["metadata"]["name"]}" is waiting to '
                                      f'start: {w.get("reason", "ContainerCreating")}')
                return
        raise bad_request(f'container "{cname}" in pod "{pod["metadata"]["name"]}" is waiting to start: '
                          f'ContainerCreating')

    def _render(self, lines, q):
        ts_on = q.get("timestamps") in ("true", "1")
        out = []
        since = None
        if q.get("sinceSeconds"):
            since = now() - datetime.timedelta(seconds=int(q["sinceSeconds"]))
        for ln in lines:
            stamp, _, text = ln.partition(" ")
            if since is not None and parse_ts(stamp) < since:
                continue
            out.append((ln if ts_on else text) + "\n")
        return out

    async def handle(self, request, ns, name):
        store = self.cluster.store
        pod = store.get("pods", ns, name)
        if pod is None:
            raise not_found("pods", name)
        q = request.query
        cname = self._container(pod, q.get("container"))
        self._check_started(pod, cname)
        uid = pod["metadata"]["uid"]
        lines = self.cluster.logs.get((uid, cname), [])
        rendered = self._render(lines, q)
        if q.get("tailLines"):
            n = int(q["tailLines"])
            rendered = rendered[-n:] if n > 0 else []
        limit = int(q["limitBytes"]) if q.get("limitBytes") else None
        headers = dict(request.get("resp_headers", {}))
        if q.get("follow") not in ("true", "1"):
            body = "".join(rendered).encode()
            if limit is not None:
                body = body[:limit]
            return web.Response(body=body, headers=headers, content_type="text/plain")
        resp = web.StreamResponse(headers=headers)
        resp.content_type = "text/plain"
        await resp.prepare(request)
        sent_bytes = 0
        pos = len(lines)

        async def emit(chunks):
            nonlocal sent_bytes
            data = "".join(chunks).encode()
            if limit is not None:
                data = data[:max(0, limit - sent_bytes)]
            if data:
                await resp.write(data)
                sent_bytes += len(data)
            return limit is None or sent_bytes < limit

        try:
            if not await emit(rendered):
                return resp
            while True:
                cur = store.get("pods", ns, name)
                if cur is None or cur["metadata"]["uid"] != uid:
                    break
                ev = self.cluster.log_event(uid)
                try:
                    await asyncio.wait_for(ev.wait(), 1.0)
                except asyncio.TimeoutError:
                    pass
                lines = self.cluster.logs.get((uid, cname), [])
                if len(lines) > pos:
                    new = self._render(lines[pos:], q)
                    pos = len(lines)
                    if not await emit(new):
                        break
            await resp.write_eof()
        except (ConnectionResetError, asyncio.CancelledError):
            pass
        return resp
