"""Throughput and round-trip latency through a TCP path to an echo server.

Used by bench/connect.sh: `echo-server` serves; `measure` reports one path; `python-client`
measures through the Python kubernetes client's port-forward (in process)."""
import argparse
import json
import os
import socket
import sys
import threading
import time

CHUNK = 256 * 1024


def echo_server(port_file):
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(64)
    with open(port_file + ".tmp", "w") as f:
        f.write(str(srv.getsockname()[1]))
    os.rename(port_file + ".tmp", port_file)

    def serve(conn):
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        buf = bytearray(CHUNK)
        view = memoryview(buf)
        try:
            while True:
                n = conn.recv_into(buf)
                if not n:
                    break
                conn.sendall(view[:n])
        except OSError:
            pass
        finally:
            conn.close()

    while True:
        conn, _ = srv.accept()
        threading.Thread(target=serve, args=(conn,), daemon=True).start()


def measure(sock, total, pings):
    """Echo `total` bytes (sender and receiver threads) and time `pings` 64-byte round trips."""
    try:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    except (OSError, AttributeError):
        pass
    # Round trips first, on an idle path.
    msg = b"p" * 64
    rtts = []
    for _ in range(pings):
        t0 = time.perf_counter()
        sock.sendall(msg)
        got = 0
        while got < len(msg):
            chunk = sock.recv(len(msg) - got)
            if not chunk:
                raise RuntimeError("closed during ping")
            got += len(chunk)
        rtts.append(time.perf_counter() - t0)
    rtts.sort()
    payload = os.urandom(CHUNK)

    def send():
        left = total
        while left > 0:
            n = min(left, CHUNK)
            sock.sendall(payload[:n])
            left -= n

    t0 = time.perf_counter()
    sender = threading.Thread(target=send, daemon=True)
    sender.start()
    buf = bytearray(CHUNK)
    got = 0
    while got < total:
        n = sock.recv_into(buf)
        if not n:
            raise RuntimeError(f"closed after {got} of {total} bytes")
        got += n
    elapsed = time.perf_counter() - t0
    sender.join()
    return {"mb_per_s": total / elapsed / 1e6, "bytes": total, "seconds": elapsed,
            "rtt_ms_median": rtts[len(rtts) // 2] * 1000 if rtts else None,
            "rtt_ms_p99": rtts[int(len(rtts) * 0.99) - 1] * 1000 if rtts else None}


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    e = sub.add_parser("echo-server")
    e.add_argument("--port-file", required=True)
    m = sub.add_parser("measure")
    m.add_argument("--port", type=int, required=True)
    m.add_argument("--megabytes", type=int, default=500)
    m.add_argument("--pings", type=int, default=500)
    c = sub.add_parser("python-client")
    c.add_argument("--kubeconfig", required=True)
    c.add_argument("--pod", required=True)
    c.add_argument("--namespace", default="default")
    c.add_argument("--megabytes", type=int, default=20)
    c.add_argument("--pings", type=int, default=100)
    a = p.parse_args()
    if a.cmd == "echo-server":
        echo_server(a.port_file)
    elif a.cmd == "measure":
        s = socket.create_connection(("127.0.0.1", a.port))
        print(json.dumps(measure(s, a.megabytes * 1_000_000, a.pings)))
        s.close()
    else:
        from kubernetes import client, config
        from kubernetes.stream import portforward
        config.load_kube_config(config_file=a.kubeconfig)
        api = client.CoreV1Api()
        pf = portforward(api.connect_get_namespaced_pod_portforward, a.pod, a.namespace, ports="5900")
        s = pf.socket(5900)
        s.setblocking(True)
        print(json.dumps(measure(s, a.megabytes * 1_000_000, a.pings)))
        s.close()
        pf.close()


if __name__ == "__main__":
    sys.exit(main())
