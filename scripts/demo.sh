#!/usr/bin/env bash
# The local demo: builds sortiectl, starts the bundled sandbox cluster (the in-memory Kubernetes
# API server with a simulated kubelet, over HTTPS with client certificates) and walks through
# what an operator does: list apps, start a session and wait for it, list, inspect, quota, end.
# With --keep the sandbox stays up afterwards (Ctrl-C ends it) so you can run sortiectl yourself.
set -euo pipefail
cd "$(dirname "$0")/.."
keep=false
[ "${1:-}" = "--keep" ] && keep=true

bash scripts/install-deps.sh
swift build --product sortiectl
SORTIECTL="$PWD/.build/debug/sortiectl"

work=$(mktemp -d -t sortie-demo.XXXXXX)
bin/sortie-sandbox --address 127.0.0.1:0 --kubeconfig-out "$work/kubeconfig" --tls --ready-delay 2 \
  --pod-security restricted --log-file "$work/sandbox.log" > "$work/url" &
sandbox_pid=$!
trap 'kill $sandbox_pid 2>/dev/null; wait $sandbox_pid 2>/dev/null; rm -rf "$work"' EXIT
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

if $keep; then
  echo; echo "The sandbox keeps running. In another shell:"
  echo "  export KUBECONFIG=$KUBECONFIG SORTIE_APPS=$SORTIE_APPS"
  echo "  $SORTIECTL sessions create xterm --wait"
  echo "Ctrl-C ends the demo."
  wait $sandbox_pid
fi
