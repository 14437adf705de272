#!/usr/bin/env bash
# One-command local cluster: creates a kind cluster (deploy/kind/kind-config.yaml), builds the
# sortie and VNC sidecar images, loads them into the cluster and installs the Helm chart.
#
#   scripts/kind-setup.sh            create (or reuse) the cluster and deploy sortie
#   scripts/kind-setup.sh teardown   delete the cluster
#
# Needs docker, kind, kubectl and helm on PATH (kubectl and helm from .tools/bin are used when
# present: scripts/install-deps.sh installs them). Environment overrides:
#   KIND_CLUSTER_NAME (sortie), SORTIE_IMAGE (ghcr.io/rjsadow/sortie:latest),
#   SORTIE_SIDECAR_IMAGE (ghcr.io/rjsadow/sortie-vnc-sidecar:latest), SORTIE_NAMESPACE (sortie).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
# Tools already on PATH win; .tools/bin (scripts/install-deps.sh) is the fallback.
[ -d "$ROOT/.tools/bin" ] && export PATH="$PATH:$ROOT/.tools/bin"

CLUSTER=${KIND_CLUSTER_NAME:-sortie}
IMAGE=${SORTIE_IMAGE:-ghcr.io/rjsadow/sortie:latest}
SIDECAR_IMAGE=${SORTIE_SIDECAR_IMAGE:-ghcr.io/rjsadow/sortie-vnc-sidecar:latest}
NAMESPACE=${SORTIE_NAMESPACE:-sortie}

say() { echo "kind-setup: $*" >&2; }
need() {
  local missing=()
  for tool in "$@"; do command -v "$tool" >/dev/null 2>&1 || missing+=("$tool"); done
  if [ ${#missing[@]} -gt 0 ]; then
    say "missing on PATH: ${missing[*]}"
    exit 1
  fi
}
split_image() { # IMAGE -> "REPOSITORY TAG"
  local ref=$1 repo tag
  if [[ ${ref##*/} == *:* ]]; then repo=${ref%:*}; tag=${ref##*:}; else repo=$ref; tag=latest; fi
  echo "$repo $tag"
}

teardown() {
  need kind
  if kind get clusters 2>/dev/null | grep -qx "$CLUSTER"; then
    say "deleting cluster $CLUSTER"
    kind delete cluster --name "$CLUSTER"
  else
    say "no cluster named $CLUSTER"
  fi
}

up() {
  need docker kind kubectl helm
  if kind get clusters 2>/dev/null | grep -qx "$CLUSTER"; then
    say "reusing cluster $CLUSTER"
  else
    say "creating cluster $CLUSTER"
    kind create cluster --name "$CLUSTER" --config deploy/kind/kind-config.yaml
  fi
  kubectl config use-context "kind-$CLUSTER" >/dev/null

  say "building $IMAGE"
  docker build -t "$IMAGE" .
  say "building $SIDECAR_IMAGE"
  docker build -t "$SIDECAR_IMAGE" docker/vnc-sidecar/
  for image in "$IMAGE" "$SIDECAR_IMAGE"; do
    say "loading $image into $CLUSTER"
    kind load docker-image "$image" --name "$CLUSTER"
  done

  read -r repo tag <<<"$(split_image "$IMAGE")"
  say "installing the chart into namespace $NAMESPACE"
  helm upgrade --install sortie charts/sortie \
    --namespace "$NAMESPACE" --create-namespace \
    --set image.repository="$repo" --set image.tag="$tag" --set image.pullPolicy=Never \
    --set session.vncSidecarImage="$SIDECAR_IMAGE" \
    --wait --timeout 5m
  kubectl -n "$NAMESPACE" rollout status deployment/sortie --timeout=2m

  cat >&2 <<MSG
kind-setup: sortie is running in cluster $CLUSTER, namespace $NAMESPACE.
  kubectl port-forward -n $NAMESPACE svc/sortie 8080:80
  then open http://localhost:8080
  scripts/kind-setup.sh teardown   deletes the cluster
MSG
}

case "${1:-up}" in
  up | "") up ;;
  teardown | down) teardown ;;
  -h | --help | help) sed -n '2,12p' "$0" ;;
  *) say "unknown command '$1' (use: up, teardown)"; exit 2 ;;
esac
