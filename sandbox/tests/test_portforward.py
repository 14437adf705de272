"""Port-forward over WebSocket (v4.channel.k8s.io) with the `websockets` client: framing,
large transfers, refused targets, subprotocol choice."""
import asyncio
import os
import ssl
import struct

import pytest
import websockets



def _ws_url(sb, ns, name, ports):
    q = "&".join(f"ports={p}" for p in ports)
    return sb.url.replace("http", "ws", 1) + f"/api/v1/namespaces/{ns}/pods/{name}/portforward?{q}"


def _ssl(sb):
    ctx = ssl.create_default_context(cafile=sb.kubeconfig + ".d/ca.crt")
    ctx.load_cert_chain(sb.kubeconfig + ".d/client.crt", sb.kubeconfig + ".d/client.key")
    return ctx


async def _roundtrip(sb, ns, name, size, protocols=("v4.channel.k8s.io", "portforward.k8s.io")):
    async with websockets.connect(_ws_url(sb, ns, name, [5900]), subprotocols=list(protocols),
                                  ssl=_ssl(sb), max_size=None, compression=None) as ws:
        assert ws.subprotocol == "v4.channel.k8s.io"
        assert await ws.recv() == b"\x00" + struct.pack("<H", 5900)
        assert await ws.recv() == b"\x01" + struct.pack("<H", 5900)
        payload = os.urandom(size)

        async def send():
            view = memoryview(payload)
            for i in range(0, size, 256 * 1024):
                await ws.send(b"\x00" + view[i:i + 256 * 1024].tobytes())

        sender = asyncio.ensure_future(send())
        got = bytearray()
        while len(got) < size:
            msg = await ws.recv()
            assert msg[0] == 0
            got += msg[1:]
        await sender
        return bytes(got) == payload


@pytest.fixture
def running_pod(tls):
    ns = tls.namespace()
    tls.create_pod(ns, "pfw")
    tls.wait_pod(ns, "pfw", lambda p: p["status"].get("phase") == "Running")
    return ns


def test_large_roundtrip_is_byte_identical(tls, running_pod):
    assert asyncio.run(_roundtrip(tls, running_pod, "pfw", 6 * 1024 * 1024))


def test_refused_target_reports_on_error_channel(tls):
    ns = tls.namespace()
    tls.create_pod(ns, "pfr", annotations={"sandbox.sortie.io/forward-6080": "127.0.0.1:1"})
    tls.wait_pod(ns, "pfr", lambda p: p["status"].get("phase") == "Running")

    async def go():
        async with websockets.connect(_ws_url(tls, ns, "pfr", [6080]), subprotocols=["v4.channel.k8s.io"],
                                      ssl=_ssl(tls)) as ws:
            frames = [await ws.recv() for _ in range(3)]
            with pytest.raises(websockets.ConnectionClosed) as e:
                await ws.recv()
            return frames, e.value

    frames, closed = asyncio.run(go())
    assert frames[0] == b"\x00" + struct.pack("<H", 6080) and frames[1] == b"\x01" + struct.pack("<H", 6080)
    assert frames[2][0] == 1
    msg = frames[2][1:].decode()
    assert msg.startswith("error forwarding port 6080 to pod ") and "connection refused" in msg


def test_pod_ip_target_and_not_running(tls):
    ns = tls.namespace()
    tls.create_pod(ns, "pfp", annotations={"sandbox.sortie.io/behavior": "unschedulable"})
    r = tls.get(f"/api/v1/namespaces/{ns}/pods/pfp/portforward?ports=80")
    assert r.status_code == 400 and "does not have a host assigned" in r.json()["message"]
    r = tls.get(f"/api/v1/namespaces/{ns}/pods/missing/portforward?ports=80")
    assert r.status_code == 404


def test_target_close_closes_websocket(tls):
    """A target that sends a banner then closes: the client sees the data then a normal close."""
    import socket
    import threading
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    port = srv.getsockname()[1]

    def serve():
        c, _ = srv.accept()
        c.sendall(b"RFB 003.008\n")
        c.close()

    threading.Thread(target=serve, daemon=True).start()
    ns = tls.namespace()
    tls.create_pod(ns, "pfb", annotations={"sandbox.sortie.io/forward-5900": f"127.0.0.1:{port}"})
    tls.wait_pod(ns, "pfb", lambda p: p["status"].get("phase") == "Running")

    async def go():
        async with websockets.connect(_ws_url(tls, ns, "pfb", [5900]), subprotocols=["v4.channel.k8s.io"],
                                      ssl=_ssl(tls)) as ws:
            frames = [await ws.recv() for _ in range(3)]
            with pytest.raises(websockets.ConnectionClosedOK):
                await ws.recv()
            return frames

    frames = asyncio.run(go())
    assert frames[2] == bytes.fromhex("00524642203030332e3030380a")
    srv.close()
