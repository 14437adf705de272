#!/usr/bin/env bash
# Runs the Swift test suite under a sanitizer: AddressSanitizer (use after free, overflows) or
# ThreadSanitizer (data races). Each builds into its own folder (.build-address, .build-thread)
# so the ordinary debug build stays incremental. Any report fails the run.
#
#   scripts/sanitizers.sh address [swift test --filter REGEX]
#   scripts/sanitizers.sh thread
set -euo pipefail
cd "$(dirname "$0")/.."
sanitizer="${1:?usage: scripts/sanitizers.sh address|thread [FILTER]}"
filter="${2:-}"
case "$sanitizer" in address|thread) ;; *) echo "unknown sanitizer $sanitizer (address or thread)" >&2; exit 64 ;; esac
scratch=".build-$sanitizer"

echo "== building the tests with -sanitize=$sanitizer ($scratch)" >&2
swift build --build-tests --scratch-path "$scratch" --sanitize="$sanitizer" >&2
# End-to-end tests run the sortiectl binary: the instrumented one.
swift build --product sortiectl --scratch-path "$scratch" --sanitize="$sanitizer" >&2

export SORTIECTL_BINARY="$PWD/$scratch/debug/sortiectl"
# halt_on_error: the first report fails the test process (and so the run), with its stack.
export ASAN_OPTIONS="detect_leaks=0:halt_on_error=1:abort_on_error=1"
# TSan reports every race of the run (then fails it); suppressions cover third-party code only.
export TSAN_OPTIONS="halt_on_error=0:second_deadlock_stack=1:suppressions=$PWD/scripts/tsan-suppressions.txt"
log=$(mktemp /tmp/sortie-$sanitizer.XXXXXX.log)
echo "== swift test under -sanitize=$sanitizer (log: $log)" >&2
set +e
swift test --skip-build --scratch-path "$scratch" --sanitize="$sanitizer" ${filter:+--filter "$filter"} > "$log" 2>&1
status=$?
set -e
if grep -q "ERROR: AddressSanitizer\|WARNING: ThreadSanitizer\|ERROR: LeakSanitizer" "$log"; then
  grep -n -A30 "ERROR: AddressSanitizer\|WARNING: ThreadSanitizer\|ERROR: LeakSanitizer" "$log" | head -120 >&2
  echo "sanitizers: $sanitizer reported problems (see $log)" >&2
  exit 1
fi
tail -3 "$log" >&2
exit $status
