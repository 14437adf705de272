#!/usr/bin/env bash
# Throughput (MB/s, echoed, per direction) and round-trip latency (64-byte ping-pong) to a TCP echo
# server standing in for a session pod's VNC port, through:
#   direct          a plain TCP connection (the ceiling)
#   sortiectl       `sortiectl connect` through the sandbox API server's port-forward (WebSocket)
#   python-client   the Python kubernetes client's port-forward through the same sandbox
# All in one run on this machine. Usage: bench/connect.sh [MEGABYTES]  (default 500; the Python
# client moves MEGABYTES/25). Uses .build/release/sortiectl if built, else .build/debug/sortiectl.
# Appends a results table to BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
MB=${1:-500}
PY_MB=$(( MB / 25 > 5 ? MB / 25 : 5 ))
BIN="$ROOT/.build-release/release/sortiectl"; BUILD=release
[ -x "$BIN" ] || BIN="$ROOT/.build/release/sortiectl"
[ -x "$BIN" ] || { BIN="$ROOT/.build/debug/sortiectl"; BUILD=debug; }
[ -x "$BIN" ] || { echo "bench: build sortiectl first (swift build -c release --product sortiectl)" >&2; exit 1; }
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

python3 bench/connect_bench.py echo-server --port-file "$work/echo.port" & pids+=($!)
for _ in $(seq 100); do [ -f "$work/echo.port" ] && break; sleep 0.05; done
ECHO=$(cat "$work/echo.port")

SANDBOX_INDEX=${#pids[@]}
bin/sortie-sandbox --address 127.0.0.1:0 --kubeconfig-out "$work/kubeconfig" --ready-delay 0.2 \
    --forward "5900=127.0.0.1:$ECHO" --log-file "$work/sandbox.log" > "$work/sandbox.url" 2>/dev/null & pids+=($!)
for _ in $(seq 200); do [ -s "$work/sandbox.url" ] && break; sleep 0.05; done
export KUBECONFIG="$work/kubeconfig" SORTIE_APPS="$ROOT/examples/apps.json"
ID=$("$BIN" sessions create xterm --wait -q)
POD="sortie-session-$ID"

"$BIN" connect "$ID" --port 0 > "$work/connect.out" 2> "$work/connect.err" & pids+=($!)
CONNECT_PID=$!
SANDBOX_PID=${pids[$SANDBOX_INDEX]}
# CPU seconds (user + system) a process has used so far.
cpu() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat"; }
for _ in $(seq 200); do grep -q ' VNC$' "$work/connect.out" 2>/dev/null && break; sleep 0.05; done
TUNNEL=$(sed -n 's/^Forwarding 127.0.0.1:\([0-9]*\) .*/\1/p' "$work/connect.out")

echo "bench: $MB MB per path (python client: $PY_MB MB), sortiectl $BUILD build" >&2
direct=$(python3 bench/connect_bench.py measure --port "$ECHO" --megabytes "$MB")
c0=$(cpu "$CONNECT_PID"); s0=$(cpu "$SANDBOX_PID")
tunnel=$(python3 bench/connect_bench.py measure --port "$TUNNEL" --megabytes "$MB")
c1=$(cpu "$CONNECT_PID"); s1=$(cpu "$SANDBOX_PID")
pyclient=$(python3 bench/connect_bench.py python-client --kubeconfig "$KUBECONFIG" --pod "$POD" --megabytes "$PY_MB" --pings 100)

table=$(python3 - "$direct" "$tunnel" "$pyclient" "$c0" "$c1" "$s0" "$s1" <<'PY'
import json, sys
rows = [("direct TCP (ceiling)", json.loads(sys.argv[1])), ("sortiectl connect", json.loads(sys.argv[2])),
        ("Python kubernetes client port-forward", json.loads(sys.argv[3]))]
base_rtt = rows[0][1]["rtt_ms_median"]
print("| path | MB/s (echo, each way) | median RTT (ms) | p99 RTT (ms) | added median RTT (ms) |")
print("|---|---:|---:|---:|---:|")
for name, r in rows:
    print(f"| {name} | {r['mb_per_s']:.0f} | {r['rtt_ms_median']:.3f} | {r['rtt_ms_p99']:.3f} | {r['rtt_ms_median'] - base_rtt:.3f} |")
d, t = rows[0][1]["mb_per_s"], rows[1][1]["mb_per_s"]
print()
print(f"sortiectl connect reaches {100 * t / d:.0f}% of the direct figure.")
c = float(sys.argv[5]) - float(sys.argv[4]); s = float(sys.argv[7]) - float(sys.argv[6])
secs = rows[1][1]["seconds"]
print(f"During the sortiectl transfer ({secs:.1f} s): sortiectl connect used {c:.1f} CPU-s ({100 * c / secs:.0f}% of a core), "
      f"the sandbox API server (Python, aiohttp) {s:.1f} CPU-s ({100 * s / secs:.0f}% of a core).")
PY
)
echo "$table"
{
  echo
  echo "## bench/connect.sh — $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, sortiectl $BUILD build, $MB MB per path"
  echo
  echo "$table"
} >> BENCHMARKS.md
