#!/usr/bin/env bash
# Fuzzes the parsers of untrusted bytes with libFuzzer + AddressSanitizer: kubeconfig, catalog,
# watch event stream, WebSocket frames, port-forward channels, RFB handshake, list pages, pods read
# without JSONDecoder (Sources/SortieFuzzTargets). Each target starts from its seeds in Tests/FuzzCorpus/<target>/ and runs for
# a bounded time; a crash, trap, leak-free OOM (> 2 GiB) or hang (> 10 s per input) fails the run
# and its input is copied to Tests/FuzzCorpus/<target>/ so the ordinary tests replay it from then on.
#
#   scripts/fuzz.sh                  # 120 s per target
#   scripts/fuzz.sh --seconds 600 rfb
#   scripts/fuzz.sh --smoke          # 10 s per target (CI)
#   SORTIE_FUZZ_REPORT=FILE          # also append a Markdown table of runs/coverage to FILE
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=120
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) seconds=10 ;;
    --seconds) seconds="$2"; shift ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) targets+=("$1") ;;
  esac
  shift
done
[ ${#targets[@]} -gt 0 ] || targets=(kubeconfig catalog watch-events websocket-frames websocket-scanner portforward-frames rfb list-page pod-reading)

echo "== building sortie-fuzz with libFuzzer and AddressSanitizer (.build-fuzz)" >&2
# One -sanitize= list for swiftc: given as two flags, the last one wins and the Swift code would
# get AddressSanitizer without coverage. C code (libyaml) takes the two clang flags as a union.
swift build --scratch-path .build-fuzz --sanitize=fuzzer --product sortie-fuzz \
  -Xswiftc -sanitize=fuzzer,address -Xcc -fsanitize=address -Xswiftc -DSORTIE_LIBFUZZER >&2
binary=.build-fuzz/debug/sortie-fuzz
work=$(mktemp -d /tmp/sortie-fuzz.XXXXXX)
trap 'rm -rf "$work"' EXIT

failed=0
report="| target | seconds | inputs run | corpus (seeds → end) | coverage (edges) | result |\n|---|---|---|---|---|---|\n"
for target in "${targets[@]}"; do
  seeds="Tests/FuzzCorpus/$target"
  [ -d "$seeds" ] || { echo "unknown target $target (no $seeds)" >&2; exit 64; }
  mkdir -p "$work/$target"
  log="$work/$target.log"
  echo "== fuzzing $target for ${seconds}s" >&2
  set +e
  SORTIE_FUZZ_TARGET="$target" ASAN_OPTIONS=detect_leaks=0 "$binary" "$work/$target" "$seeds" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    -artifact_prefix="$work/$target-" -print_final_stats=1 > "$log" 2>&1
  status=$?
  set -e
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
  edges=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || echo "?")
  seeded=$(find "$seeds" -type f | wc -l)
  ended=$(find "$work/$target" -type f | wc -l)
  if [ $status -eq 0 ]; then
    result="no crash"
  else
    failed=1
    result="**FAILED** (exit $status)"
    for artifact in "$work/$target"-*; do
      [ -e "$artifact" ] || continue
      cp "$artifact" "$seeds/$(basename "$artifact" | sed "s/^$target-//")"
      echo "   finding kept as $seeds/$(basename "$artifact" | sed "s/^$target-//")" >&2
    done
    tail -40 "$log" >&2
  fi
  echo "   $target: $runs inputs, $edges edges, corpus $seeded → $ended, $result" >&2
  report+="| $target | $seconds | $runs | $seeded → $((seeded + ended)) | $edges | $result |\n"
done
if [ -n "${SORTIE_FUZZ_REPORT:-}" ]; then printf "%b" "$report" >> "$SORTIE_FUZZ_REPORT"; fi
printf "%b" "$report"
exit $failed
