#!/usr/bin/env bash
# The local demo: builds sortiectl, starts the bundled sandbox cluster (the in-memory Kubernetes
# API server with a simulated kubelet, over HTTPS with client certificates) and walks through
# what an operator does: list apps, start a session and wait for it, list, inspect, quota, end.
# With --keep the sandbox stays up afterwards (Ctrl-C ends it) so you can run sortiectl yourself.
#
# Then (with --serve, and by default when Xvfb, x11vnc, websockify and xterm are installed) the
# web part: a real VNC stack (docker/vnc-sidecar/start.sh + an xterm) behind every sandbox session
# pod (the sandbox forwards pod ports 5900/6080 to it), `sortiectl serve --auth none` on
# localhost:8080 (SERVE_PORT) reaching pods through the sandbox's port-forward, and an xterm
# session launched through the REST API. It prints the URL to open; with --keep it runs until
# Ctrl-C, otherwise it checks the session's WebSocket (connect --server --probe) and ends.
# --no-serve skips the web part.
set -euo pipefail
cd "$(dirname "$0")/.."
keep=false
serve=auto
for arg in "$@"; do
  case "$arg" in
    --keep) keep=true ;;
    --serve) serve=true ;;
    --no-serve) serve=false ;;
    *) echo "usage: $0 [--keep] [--serve|--no-serve]" >&2; exit 2 ;;
  esac
done
SERVE_PORT="${SERVE_PORT:-8080}"
if [ "$serve" = auto ]; then
  serve=true
  for tool in Xvfb x11vnc websockify xterm; do command -v "$tool" >/dev/null || serve=false; done
fi
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

bash scripts/install-deps.sh
swift build --product sortiectl
SORTIECTL="$PWD/.build/debug/sortiectl"

work=$(mktemp -d -t sortie-demo.XXXXXX)
pids=()
cleanup() {
  # Newest first: serve, xterm, the VNC stack, then the sandbox.
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do kill "${pids[i]}" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

forward=()
if $serve; then
  if python3 -c "import socket, sys; socket.create_connection(('127.0.0.1', $SERVE_PORT), timeout=1)" 2>/dev/null; then
    echo "demo: port $SERVE_PORT is in use; set SERVE_PORT or pass --no-serve" >&2; exit 1
  fi
  # The VNC stack every session pod shows (the sandbox forwards pod ports 5900/6080 to it).
  vnc_port=$(free_port); ws_port=$(free_port)
  display=99; while [ -e "/tmp/.X11-unix/X$display" ] || [ -e "/tmp/.X$display-lock" ]; do display=$((display + 1)); done
  DISPLAY=":$display" VNC_PORT=$vnc_port VNC_LISTEN=127.0.0.1 WEBSOCKIFY_PORT=$ws_port WEBSOCKIFY_LISTEN=127.0.0.1 \
    sh docker/vnc-sidecar/start.sh 2>"$work/vnc.log" &
  pids+=($!)
  for _ in $(seq 1 100); do [ -S "/tmp/.X11-unix/X$display" ] && break; sleep 0.1; done
  DISPLAY=":$display" xterm -geometry 80x24+10+10 -title "sortie demo" 2>>"$work/vnc.log" &
  pids+=($!)
  forward=(--forward "5900=127.0.0.1:$vnc_port" --forward "6080=127.0.0.1:$ws_port")
fi

bin/sortie-sandbox --address 127.0.0.1:0 --kubeconfig-out "$work/kubeconfig" --tls --ready-delay 2 \
  --pod-security restricted --log-file "$work/sandbox.log" "${forward[@]}" > "$work/url" &
sandbox_pid=$!
pids=("$sandbox_pid" "${pids[@]}")
for _ in $(seq 1 100); do [ -s "$work/url" ] && break; sleep 0.1; done
[ -s "$work/url" ] || { echo "demo: the sandbox did not start (see $work/sandbox.log)" >&2; exit 1; }

export KUBECONFIG="$work/kubeconfig" SORTIE_APPS="$PWD/examples/apps.json" SORTIE_USER="demo@example.com"
step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; "$@"; }

echo "Sandbox cluster at $(cat "$work/url") (restricted Pod Security enforced)"
step "$SORTIECTL" version
step "$SORTIECTL" apps list
step "$SORTIECTL" quota set --pods 20 --cpu 10 --memory 20Gi
id=$("$SORTIECTL" sessions create xterm -q)
echo; echo "created session $id"
step "$SORTIECTL" sessions get "$id" -o json
step "$SORTIECTL" sessions create xclock --wait -v
step "$SORTIECTL" sessions list -o wide
step "$SORTIECTL" pods list -o wide
step "$SORTIECTL" quota
if "$SORTIECTL" sessions create sortie-docs 2>"$work/err"; then echo "unexpected: a url app started"; exit 1; fi
printf '\n$ sortiectl sessions create sortie-docs   # a url app: refused\n'; cat "$work/err"
step "$SORTIECTL" sessions kill --all --now

if $serve; then
  printf '\n\033[1m$ sortiectl serve --auth none --address 127.0.0.1 --port %s --upstream port-forward\033[0m\n' "$SERVE_PORT"
  "$SORTIECTL" serve --auth none --address 127.0.0.1 --port "$SERVE_PORT" --upstream port-forward 2>"$work/serve.log" &
  pids+=($!)
  server="http://127.0.0.1:$SERVE_PORT"
  for _ in $(seq 1 100); do curl -fsS "$server/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
  curl -fsS "$server/healthz" >/dev/null || { echo "demo: sortiectl serve did not start:" >&2; cat "$work/serve.log" >&2; exit 1; }
  printf '\n\033[1m$ curl -X POST %s/api/sessions -d %s\033[0m\n' "$server" "'{\"app_id\": \"xterm\"}'"
  created=$(curl -fsS -X POST -H 'Content-Type: application/json' -d '{"app_id": "xterm"}' "$server/api/sessions")
  echo "$created"
  web_id=$(printf '%s' "$created" | python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])')
  status=""
  for _ in $(seq 1 120); do
    status=$(curl -fsS "$server/api/sessions/$web_id" | python3 -c 'import json, sys; print(json.load(sys.stdin)["status"])')
    [ "$status" = running ] && break
    sleep 0.5
  done
  [ "$status" = running ] || { echo "demo: the xterm session is $status, not running" >&2; exit 1; }
  echo
  echo "Open http://localhost:$SERVE_PORT/ in a browser: session $web_id (XTerm) is running; click View to see it."
  echo "Without a browser: $SORTIECTL connect --server $server $web_id --port 0 --exec 'vncviewer 127.0.0.1::{port}'"
  if ! $keep; then
    # Not kept: show the session's WebSocket works end to end (serve -> port-forward -> websockify -> x11vnc), then end.
    step "$SORTIECTL" connect --server "$server" "$web_id" --port 0 --probe
  fi
fi

if $keep; then
  echo; echo "The sandbox keeps running. In another shell:"
  echo "  export KUBECONFIG=$KUBECONFIG SORTIE_APPS=$SORTIE_APPS"
  echo "  $SORTIECTL sessions create xterm --wait"
  echo "Ctrl-C ends the demo."
  wait $sandbox_pid
fi
