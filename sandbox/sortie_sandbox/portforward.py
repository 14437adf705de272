"""pods/{name}/portforward over WebSocket (v4.channel.k8s.io framing): per requested port i,
data channel 2i and error channel 2i+1; the first server message on each channel is the
channel byte + the port (uint16 little-endian); then frames are channel byte + payload."""
import asyncio
import os
import struct

import aiohttp
from aiohttp import web

from .errors import ApiError, bad_request, not_found

PROTOCOLS = ("v4.channel.k8s.io", "channel.k8s.io", "portforward.k8s.io")
FORWARD_ANNOTATION = "sandbox.sortie.io/forward-"
READ_SIZE = 256 * 1024


def parse_hostport(s: str):
    host, _, port = s.strip().rpartition(":")
    return (host.strip("[]") or "127.0.0.1"), int(port)


class PortForward:
    def __init__(self, cluster):
        self.cluster = cluster
        self.active = 0

    def target(self, pod, port: int):
        ann = (pod["metadata"].get("annotations") or {}).get(f"{FORWARD_ANNOTATION}{port}")
        if ann:
            return parse_hostport(ann)
        if port in self.cluster.settings.forwards:
            return self.cluster.settings.forwards[port]
        return (pod.get("status") or {}).get("podIP") or "127.0.0.1", port

    async def handle(self, request: web.Request, ns: str, name: str):
        pod = self.cluster.store.get("pods", ns, name)
        if pod is None:
            raise not_found("pods", name)
        if not pod["spec"].get("nodeName"):
            raise bad_request(f"pod {name} does not have a host assigned")
        if (pod.get("status") or {}).get("phase") != "Running":
            raise bad_request(f"unable to upgrade connection: pod {name} is not running "
                              f"(phase {(pod.get('status') or {}).get('phase', 'Pending')})")
        ports = []
        for v in request.query.getall("ports", []):
            for p in v.split(","):
                try:
                    n = int(p)
                    if not 0 < n < 65536:
                        raise ValueError
                except ValueError:
                    raise bad_request(f'unable to parse "{p}" as a port: invalid port') from None
                ports.append(n)
        if not ports:
            raise bad_request('query parameter "port" is required')
        if request.headers.get("Upgrade", "").lower() != "websocket":
            raise ApiError(400, "Upgrade request required", "BadRequest")
        offered = [p.strip() for h in request.headers.getall("Sec-WebSocket-Protocol", [])
                   for p in h.split(",") if p.strip()]
        chosen = next((p for p in PROTOCOLS if p in offered), None)
        ws = web.WebSocketResponse(protocols=(chosen,) if chosen else (), max_msg_size=0, autoping=True,
                                   compress=False, autoclose=True)
        for k, v in request.get("resp_headers", {}).items():
            if k.lower() not in ("content-type",):
                ws.headers[k] = v
        await ws.prepare(request)
        self.active += 1
        try:
            await self._run(ws, pod, ports)
        finally:
            self.active -= 1
        return ws

    async def _run(self, ws, pod, ports):
        uid = pod["metadata"]["uid"]
        ns = pod["metadata"]["namespace"]
        writers: dict[int, asyncio.StreamWriter] = {}
        pumps = []
        for i, port in enumerate(ports):
            prefix = struct.pack("<H", port)
            await ws.send_bytes(bytes([2 * i]) + prefix)
            await ws.send_bytes(bytes([2 * i + 1]) + prefix)
        open_ports = set()
        for i, port in enumerate(ports):
            host, tport = self.target(pod, port)
            try:
                reader, writer = await asyncio.open_connection(host, tport, limit=READ_SIZE * 4)
            except OSError as e:
                why = "connection refused" if isinstance(e, ConnectionRefusedError) else \
                    (os.strerror(e.errno) if e.errno else str(e)).lower()
                msg = (f"error forwarding port {port} to pod {uid}, uid : failed to execute portforward in network "
                       f"namespace \"/var/run/netns/cni-{uid}\": failed to connect to localhost:{port} inside "
                       f"namespace \"{uid}\", IPv4: dial tcp4 {host}:{tport}: connect: "
                       f"{why} ")
                await ws.send_bytes(bytes([2 * i + 1]) + msg.encode())
                continue
            writers[i] = writer
            open_ports.add(i)
            pumps.append(asyncio.ensure_future(self._pump(ws, reader, 2 * i, open_ports, i)))
        if not writers:
            await ws.close()
            return
        try:
            async for msg in ws:
                if msg.type == aiohttp.WSMsgType.BINARY:
                    data = msg.data
                elif msg.type == aiohttp.WSMsgType.TEXT:
                    data = msg.data.encode()
                else:
                    break
                if len(data) < 2:
                    continue
                ch = data[0]
                if ch % 2:
                    continue  # client writes on an error channel are ignored
                w = writers.get(ch // 2)
                if w is None or w.is_closing():
                    continue
                w.write(memoryview(data)[1:])
                await w.drain()
        except (ConnectionResetError, asyncio.CancelledError):
            pass
        finally:
            for w in writers.values():
                try:
                    w.close()
                except Exception:
                    pass
            for p in pumps:
                p.cancel()
            if not ws.closed:
                await ws.close()

    async def _pump(self, ws, reader, channel, open_ports, idx):
        head = bytes([channel])
        try:
            while True:
                data = await reader.read(READ_SIZE)
                if not data:
                    break
                await ws.send_bytes(head + data)
        except (ConnectionResetError, asyncio.CancelledError, RuntimeError):
            pass
        finally:
            open_ports.discard(idx)
            if not open_ports and not ws.closed:
                try:
                    await ws.close()
                except Exception:
                    pass
