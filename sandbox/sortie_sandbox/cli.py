"""Command line: bin/sortie-sandbox --address 127.0.0.1:PORT --kubeconfig-out PATH [...]."""
import argparse
import asyncio
import gc
import logging
import os
import signal
import sys
import tempfile

from aiohttp import web

from .auth import Authenticator
from .cluster import DEFAULT_NAMESPACES, Cluster, Settings
from .podsecurity import LEVELS
from .portforward import parse_hostport
from .server import Server
from .tlsutil import Pki, write_kubeconfig


def parse_args(argv):
    p = argparse.ArgumentParser(prog="sortie-sandbox", description="In-memory fake Kubernetes API server.")
    p.add_argument("--address", default="127.0.0.1:0", help="HOST:PORT to listen on (PORT 0 picks a free port)")
    p.add_argument("--kubeconfig-out", required=True, help="where to write a kubeconfig for this server")
    p.add_argument("--tls", action="store_true", help="serve HTTPS with a generated CA and client-cert auth")
    p.add_argument("--ready-delay", type=float, default=1.0, help="seconds from pod create to Ready")
    p.add_argument("--forward", action="append", default=[], metavar="PODPORT=HOST:PORT",
                   help="port-forward target for a pod port, for every pod")
    p.add_argument("--token", action="append", default=[], help="accepted bearer token (repeatable)")
    p.add_argument("--token-file", help="file of bearer tokens (one per line or static-token CSV)")
    p.add_argument("--basic-auth", metavar="USER:PASS")
    p.add_argument("--namespace", action="append", default=[], help="extra namespace to create at start")
    p.add_argument("--pod-security", choices=LEVELS, default="privileged",
                   help="Pod Security level enforced on every namespace")
    p.add_argument("--termination-delay", type=float, default=0.2,
                   help="seconds a gracefully deleted pod lingers (capped by its grace period)")
    p.add_argument("--history-window", type=int, default=1000, help="changes kept for watch resumption")
    p.add_argument("--bookmark-interval", type=float, default=5.0)
    p.add_argument("--log-file", help="write the server log here")
    p.add_argument("--write-latency", type=float, default=0.0, metavar="SECONDS",
                   help="wait this long (without using CPU) before each API write (POST, PUT, PATCH, DELETE), as a "
                        "real API server waits for etcd to commit; benchmarks use it to model a real cluster")
    return p.parse_args(argv)


async def run(args) -> int:
    host, _, port = args.address.rpartition(":")
    host = host.strip("[]") or "127.0.0.1"
    forwards = {}
    for f in args.forward:
        pp, _, target = f.partition("=")
        forwards[int(pp)] = parse_hostport(target)
    settings = Settings(ready_delay=args.ready_delay, termination_delay=args.termination_delay,
                        bookmark_interval=args.bookmark_interval, pod_security=args.pod_security,
                        forwards=forwards, history_window=args.history_window)
    cluster = Cluster(settings)
    for ns in list(DEFAULT_NAMESPACES) + args.namespace:
        cluster.ensure_namespace(ns)
    if args.basic_auth and ":" not in args.basic_auth:
        print("sortie-sandbox: --basic-auth must be USER:PASS", file=sys.stderr)
        return 2
    auth = Authenticator(args.token, args.token_file, args.basic_auth, args.tls)
    server = Server(cluster, auth)
    server.write_latency = max(0.0, args.write_latency)
    pki = Pki() if args.tls else None
    ssl_ctx = None
    workdir = None
    if pki:
        workdir = tempfile.mkdtemp(prefix="sortie-sandbox-")
        ssl_ctx = pki.server_context(workdir)
    access_log = logging.getLogger("aiohttp.access") if args.log_file else None
    runner = web.AppRunner(server.app(), handler_cancellation=True, access_log=access_log,
                           keepalive_timeout=120)
    await runner.setup()
    site = web.TCPSite(runner, host, int(port or 0), ssl_context=ssl_ctx, backlog=1024, reuse_address=True)
    await site.start()
    sock = site._server.sockets[0]
    real_port = sock.getsockname()[1]
    server.server_address = f"{host}:{real_port}"
    url_host = f"[{host}]" if ":" in host else host
    url = f"{'https' if pki else 'http'}://{url_host}:{real_port}"
    tokens = list(args.token)
    if not tokens and args.token_file:
        auth._reload()
        tokens = list(auth._file_tokens)[:1]
    write_kubeconfig(os.path.abspath(args.kubeconfig_out), url, pki, tokens, args.basic_auth)
    # What exists now (modules, the PKI, the app) lives as long as the process: keep it out of the
    # cyclic GC's full collections, which otherwise re-scan all of it (see main()).
    gc.freeze()
    logging.getLogger("sortie-sandbox").info("serving %s", url)
    sys.stdout.write(url + "\n")
    sys.stdout.flush()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    watchdog = asyncio.create_task(_stop_when_orphaned(stop, os.getppid()))
    await stop.wait()
    watchdog.cancel()
    for w in list(cluster.store.watchers):
        w.close()
    await runner.cleanup()
    if workdir:
        for f in os.listdir(workdir):
            os.unlink(os.path.join(workdir, f))
        os.rmdir(workdir)
    return 0


async def _stop_when_orphaned(stop: asyncio.Event, parent: int) -> None:
    """A test runner that crashes never sends SIGTERM: stop when the process that started us is gone."""
    if parent <= 1:
        return
    while not stop.is_set():
        if os.getppid() != parent:
            logging.getLogger("sortie-sandbox").warning("parent process %d is gone; stopping", parent)
            stop.set()
            return
        await asyncio.sleep(0.5)


def main(argv=None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    # The store keeps tens of thousands of small dicts and lists (objects, the change history,
    # events) and every pod write allocates hundreds more, nearly all freed by reference counting.
    # With the default thresholds (700, 10, 10) the cyclic GC ran a full collection every few
    # hundred pod writes, each re-scanning the whole store (40-140 ms, growing with it): a large
    # part of the CPU time per pod create. Collect less often.
    gc.set_threshold(10_000, 10, 10)
    if args.log_file:
        logging.basicConfig(filename=args.log_file, level=logging.INFO,
                            format="%(asctime)s %(name)s %(levelname)s %(message)s")
    else:
        logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    try:
        return asyncio.run(run(args))
    except KeyboardInterrupt:
        return 0
