#!/usr/bin/env bash
# Generates completions/ (bash, zsh, fish) and man/ (one page per command) from sortiectl's
# command definitions, so they never drift from --help:
#   - completion scripts: ArgumentParser's `sortiectl --generate-completion-script SHELL`. Their
#     dynamic parts (app ids, session ids) call back into `sortiectl ---completion …` at Tab time.
#   - man pages: ArgumentParser's generate-manual tool (what `swift package plugin generate-manual`
#     runs), built from the ArgumentParser checkout this package already resolved, so it works
#     offline and runs against exactly the binary given here rather than rebuilding every product.
#
# Usage: scripts/generate-docs.sh [--check] [--binary PATH]
#   --check        regenerate into a temporary directory and fail if completions/ or man/ differ
#   --binary PATH  the sortiectl to describe (default: .build/debug/sortiectl, built if missing)
set -euo pipefail
cd "$(dirname "$0")/.."

# The date printed in the man pages. Fixed, so regenerating is reproducible; bump it with releases.
MAN_DATE=2026-11-22

check=false
binary=.build/debug/sortiectl
while [ $# -gt 0 ]; do
  case "$1" in
    --check) check=true ;;
    --binary) binary=$2; shift ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "generate-docs: unknown argument $1" >&2; exit 64 ;;
  esac
  shift
done

if [ ! -x "$binary" ]; then
  echo "generate-docs: building sortiectl" >&2
  swift build --product sortiectl >&2
fi

# generate-manual, built once into its own scratch directory (not the package's .build/debug).
# The checkout SwiftPM resolved (asking `swift package show-dependencies` only if it is not in the
# usual place: that command waits for any other SwiftPM using .build).
parser_dir=.build/checkouts/swift-argument-parser
if [ ! -f "$parser_dir/Package.swift" ]; then
  parser_dir=$(swift package show-dependencies --format json | python3 -c '
import json, sys
def walk(d):
    for dep in d.get("dependencies", []):
        if dep["identity"] == "swift-argument-parser":
            print(dep["path"]); sys.exit(0)
        walk(dep)
walk(json.load(sys.stdin))')
fi
tool_dir=.build/doc-tools
if [ ! -x "$tool_dir/debug/generate-manual" ] || [ "$parser_dir/Package.swift" -nt "$tool_dir/debug/generate-manual" ]; then
  echo "generate-docs: building generate-manual from $parser_dir" >&2
  swift build --package-path "$parser_dir" --scratch-path "$tool_dir" --product generate-manual >&2
fi

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
mkdir -p "$out/completions" "$out/man"

# argv[0] decides the command name (kubectl-sortie would say "kubectl sortie"), so run it as sortiectl.
"$binary" --generate-completion-script bash >"$out/completions/sortiectl.bash"
"$binary" --generate-completion-script zsh >"$out/completions/_sortiectl"
"$binary" --generate-completion-script fish >"$out/completions/sortiectl.fish"
"$tool_dir/debug/generate-manual" "$binary" --multi-page --date "$MAN_DATE" --section 1 --output-directory "$out/man"
# generate-manual copies blank lines of the help discussions verbatim; mdoc wants .Pp there
# (`man --warnings` flags "Empty input line" otherwise).
for page in "$out"/man/*.1; do sed -i 's/^$/.Pp/' "$page"; done

if $check; then
  if diff -ru completions "$out/completions" && diff -ru man "$out/man"; then
    echo "generate-docs: completions/ and man/ are up to date" >&2
  else
    echo "generate-docs: completions/ or man/ are stale; run scripts/generate-docs.sh and commit the result" >&2
    exit 1
  fi
else
  rm -rf completions man
  cp -R "$out/completions" completions
  cp -R "$out/man" man
  echo "generate-docs: wrote completions/ ($(find completions -type f | wc -l) files) and man/ ($(find man -type f | wc -l) pages)" >&2
fi
