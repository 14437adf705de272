"""Watch streams: chunked NDJSON of ADDED/MODIFIED/DELETED/BOOKMARK/ERROR events."""
import asyncio
import time

from aiohttp import web

from . import tables
from .errors import ApiError, status_body
from .store import Watcher
from .util import dumps

BOOKMARK_BODIES = {
    "Pod": {"spec": {"containers": None}, "status": {}},
    "Event": {"involvedObject": {}, "source": {}, "firstTimestamp": None, "lastTimestamp": None,
              "eventTime": None, "reportingComponent": "", "reportingInstance": ""},
    "ResourceQuota": {"spec": {}, "status": {}},
    "Namespace": {"spec": {}, "status": {}},
    "Lease": {"spec": {}},
}


def bookmark(kind, api_version, rv, initial_end=False):
    md = {"resourceVersion": str(rv)}
    if initial_end:
        md["annotations"] = {"k8s.io/initial-events-end": "true"}
    return dict({"kind": kind, "apiVersion": api_version, "metadata": md}, **BOOKMARK_BODIES.get(kind, {}))


async def serve(request, cluster, kdef, namespace, match, params, headers):
    store = cluster.store
    rv_param = params.get("resourceVersion", "")
    bookmarks = params.get("allowWatchBookmarks") in ("true", "1")
    send_initial = params.get("sendInitialEvents") == "true"
    as_table = tables.wants_table(request.headers.get("Accept", ""))
    include_object = params.get("includeObject", "Metadata")
    fault = request.get("fault") or {}
    timeout = None
    if params.get("timeoutSeconds"):
        try:
            timeout = float(params["timeoutSeconds"])
        except ValueError:
            raise ApiError(400, f'invalid timeoutSeconds "{params["timeoutSeconds"]}"')
    if rv_param not in ("", "0"):
        try:
            rv = int(rv_param)
        except ValueError:
            raise ApiError(400, f'invalid resource version: strconv.ParseUint: parsing "{rv_param}": invalid syntax',
                           "BadRequest")
    else:
        rv = None

    resp = web.StreamResponse(status=200, headers=headers)
    resp.content_type = "application/json"
    resp.enable_chunked_encoding()
    await resp.prepare(request)

    def encode(type_, obj, encoded=None, first=[True]):
        if as_table and type_ not in ("BOOKMARK", "ERROR"):
            meta = {"resourceVersion": obj["metadata"].get("resourceVersion", "")}
            obj = tables.table(kdef.kind, kdef.api_version, [obj], meta, include_object, with_columns=first[0])
            first[0] = False
        elif type_ not in ("BOOKMARK", "ERROR"):
            if encoded is not None:
                # every plain watcher of this change sends the same line: encode it once (stored
                # objects are never mutated, see store.py)
                line = encoded.get(type_)
                if line is None:
                    line = encoded[type_] = encode(type_, obj)
                return line
            obj = dict({"kind": kdef.kind, "apiVersion": kdef.api_version}, **obj)
        return dumps({"type": type_, "object": obj}) + b"\n"

    if fault.get("watchGone"):
        cur = store.compacted_rv + 1
        err = status_body(410, f"too old resource version: {rv or 1} ({cur})", "Expired")
        await resp.write(dumps({"type": "ERROR", "object": err}) + b"\n")
        await resp.write_eof()
        return resp
    if rv is not None and rv < store.compacted_rv:
        err = status_body(410, f"too old resource version: {rv} ({store.compacted_rv + 1})", "Expired")
        await resp.write(dumps({"type": "ERROR", "object": err}) + b"\n")
        await resp.write_eof()
        return resp

    w = Watcher(kdef.resource, namespace, match)
    initial = []
    if rv is None:
        for o in store.list(kdef.resource, namespace):
            if match(o):
                initial.append(("ADDED", o))
    else:
        for ch in store.changes_since(kdef.resource, rv):
            w.offer(ch)
    store.add_watcher(w)
    start_rv = store.rv
    cut_after = fault.get("cutWatchAfterEvents")
    sent = 0
    transport = request.transport
    deadline = time.monotonic() + timeout if timeout is not None else None
    try:
        if initial:
            buf = bytearray()
            for type_, o in initial:
                buf += encode(type_, o)
                sent += 1
                if cut_after is not None and sent >= cut_after:
                    await resp.write(bytes(buf))
                    transport.abort() if transport else None
                    return resp
            await resp.write(bytes(buf))
        if send_initial and bookmarks:
            await resp.write(dumps({"type": "BOOKMARK",
                                    "object": bookmark(kdef.kind, kdef.api_version, start_rv, True)}) + b"\n")
        next_bookmark = time.monotonic() + cluster.settings.bookmark_interval
        while True:
            wait = None
            now = time.monotonic()
            if deadline is not None:
                wait = deadline - now
                if wait <= 0:
                    break
            if bookmarks:
                bw = max(0.0, next_bookmark - now)
                wait = bw if wait is None else min(wait, bw)
            try:
                item = await asyncio.wait_for(w.queue.get(), wait) if wait is not None else await w.queue.get()
            except asyncio.TimeoutError:
                if bookmarks and time.monotonic() >= next_bookmark:
                    await resp.write(dumps({"type": "BOOKMARK",
                                            "object": bookmark(kdef.kind, kdef.api_version, store.rv)}) + b"\n")
                    next_bookmark = time.monotonic() + cluster.settings.bookmark_interval
                continue
            if item is None:
                break
            buf = bytearray()
            while item is not None:
                type_, o, encoded = item
                buf += encode(type_, o, encoded)
                sent += 1
                if cut_after is not None and sent >= cut_after:
                    await resp.write(bytes(buf))
                    if transport:
                        transport.abort()
                    return resp
                if w.queue.empty():
                    break
                item = w.queue.get_nowait()
            await resp.write(bytes(buf))
            if item is None:
                break
        await resp.write_eof()
    except (ConnectionResetError, asyncio.CancelledError):
        pass
    finally:
        store.remove_watcher(w)
    return resp
