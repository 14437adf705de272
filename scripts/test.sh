#!/usr/bin/env bash
# Runs every test: installs what the tests need, builds, runs the Swift test suite (unit tests
# and integration tests against the sandbox API server through the real libcurl transport), then
# the sandbox's own fidelity tests with real third-party clients (kubectl, the Python client),
# deploy checks, the browser test, CLI end to end, reliability, benchmark and fuzzing smoke runs,
# and the Swift suite again under AddressSanitizer and ThreadSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
export PATH="$PWD/.tools/bin:$PATH"

echo "== swift build" >&2
swift build --build-tests
swift build --product sortiectl   # end-to-end tests run the binary itself
bash scripts/generate-docs.sh --check   # completions/ and man/ match the command definitions

echo "== swift test" >&2
swift test --skip-build

echo "== sandbox fidelity tests (kubectl, Python kubernetes client)" >&2
python3 -m pytest sandbox/tests -q -p no:cacheprovider

echo "== deploy checks (helm, kubectl, kubernetes-validate, Pod Security, RBAC vs code, quota, Dockerfiles)" >&2
python3 -m pytest tests/deploy -q -p no:cacheprovider

echo "== web page in headless Chromium (selenium; sandbox + real VNC stack + sortiectl serve)" >&2
python3 -m pytest tests/web -q -p no:cacheprovider

echo "== CLI end to end (shell through a pseudo-terminal, completions in bash/zsh/fish, man pages, kubectl plugin, version)" >&2
python3 -m pytest tests/cli -q -p no:cacheprovider

echo "== reliability: schemathesis, hostile sockets, CLI bad input, secrets in logs, serve SIGKILL + restart, chaos" >&2
python3 -m pytest tests/reliability -q -p no:cacheprovider

echo "== benchmark harness, smoke mode (tiny sizes; never fails on a number)" >&2
python3 bench/harness.py --smoke --binary .build/debug/sortiectl --out "${BENCH_OUT:-/tmp/sortie-bench-smoke.md}" > /dev/null
python3 bench/serve_bench.py --smoke --binary .build/debug/sortiectl --out "${SERVE_BENCH_OUT:-/tmp/sortie-serve-bench-smoke.md}" > /dev/null

echo "== serve soak, smoke mode (100 sessions, 20 busy streams, 30 s; fails on corrupt or lost bytes, fd leaks, steady RSS growth)" >&2
python3 bench/soak.py --smoke --binary .build/debug/sortiectl --out "${SOAK_OUT:-/tmp/sortie-soak-smoke.md}" > /dev/null

echo "== fuzzing, smoke mode (libFuzzer + AddressSanitizer, 10 s per parser; findings fail the run)" >&2
bash scripts/fuzz.sh --smoke > /dev/null

echo "== the Swift test suite under AddressSanitizer, then ThreadSanitizer" >&2
bash scripts/sanitizers.sh address
bash scripts/sanitizers.sh thread
