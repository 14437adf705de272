#!/usr/bin/env bash
# Runs every test: installs what the tests need, builds, runs the Swift test suite (unit tests
# and integration tests against the sandbox API server through the real libcurl transport), then
# the sandbox's own fidelity tests with real third-party clients (kubectl, the Python client).
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

echo "== benchmark harness, smoke mode (tiny sizes; never fails on a number)" >&2
python3 bench/harness.py --smoke --binary .build/debug/sortiectl --out "${BENCH_OUT:-/tmp/sortie-bench-smoke.md}" > /dev/null
