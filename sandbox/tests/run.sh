#!/usr/bin/env bash
# Runs the sandbox API server's test suite (real kubectl, the Python kubernetes client, websockets).
set -euo pipefail
cd "$(dirname "$0")/../.."
exec python3 -m pytest sandbox/tests -q "$@"
