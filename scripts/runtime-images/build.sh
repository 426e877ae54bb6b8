#!/usr/bin/env bash
# Build (or reuse from the cache) the images of the runtime services the e2e run deploys, as docker-archive
# files, and list them in $PV_CACHE_DIR/runtime-images/index.tsv: `<name>\t<image ref>\t<archive path>` for
# `databroker` (KUKSA databroker from source), `mqtt` (Mosquitto from Debian) and `busybox` (helm test pods).
#
# A localhost/ ref is built here with buildah from the Containerfile next to this script; any other ref
# (DATABROKER_IMAGE=ghcr.io/eclipse-kuksa/kuksa-databroker:0.5.0, ...) is copied from its registry with skopeo.
# Archives are keyed by a hash of what goes into them, so a rerun with nothing changed takes seconds.
#
# Usage: bash scripts/runtime-images/build.sh
# Env:   PV_CACHE_DIR                 cache root (default: ~/.cache/projen-velocitas)
#        DATABROKER_IMAGE, MQTT_IMAGE, BUSYBOX_IMAGE   image refs (defaults: localhost/projen-velocitas/...)
#        DATABROKER_SOURCE_ARCHIVE    databroker source tarball (see build-databroker.sh)
# Versions: scripts/versions.env (runtime-images section).
set -euo pipefail
# Fail inside $(...) too: each image is built in one.
shopt -s inherit_errexit

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$HERE/../.." && pwd)
# shellcheck source-path=SCRIPTDIR source=../versions.env
source "$REPO_ROOT/scripts/versions.env"

log() { printf '[runtime-images] %s\n' "$*" >&2; }
die() {
  log "ERROR: $*"
  exit 1
}

[[ $(id -u) -eq 0 ]] || die "must run as root (buildah and the root containers-storage)"
for tool in buildah skopeo sha256sum flock; do
  command -v "$tool" >/dev/null || die "missing $tool: run bash scripts/install-validators.sh"
done

# Debian package versions as image tags: no epoch, `+` becomes `-`.
debian_tag() { local version=${1#*:}; printf '%s' "${version//+/-}"; }
DATABROKER_IMAGE=${DATABROKER_IMAGE:-localhost/projen-velocitas/kuksa-databroker:$DATABROKER_VERSION}
MQTT_IMAGE=${MQTT_IMAGE:-localhost/projen-velocitas/mosquitto:$(debian_tag "$MOSQUITTO_DEB_VERSION")}
BUSYBOX_IMAGE=${BUSYBOX_IMAGE:-localhost/projen-velocitas/busybox:$(debian_tag "$BUSYBOX_DEB_VERSION")}

CACHE_ROOT=${PV_CACHE_DIR:-$HOME/.cache/projen-velocitas}
OUT_DIR=$CACHE_ROOT/runtime-images
mkdir -p "$OUT_DIR"
exec 9>"$OUT_DIR/.lock"
flock 9

# Flags as the project's OCI tests use them here (scripts/OCI-BUILDS.md): chroot isolation, no registry pulls
# for local base images, limits within this machine's hard limits.
BUILD_FLAGS=(--isolation chroot --pull=missing --layers --identity-label=false --format docker
  --network host --ulimit nofile=4096:4096 --ulimit nproc=4096:4096)

ensure_debian_base() {
  buildah inspect --type image "$DEBIAN_BASE_IMAGE" >/dev/null 2>&1 && return
  if [[ $DEBIAN_BASE_IMAGE == docker.io/library/debian:bookworm-slim ]]; then
    log "making the local $DEBIAN_BASE_IMAGE (scripts/make-base-images.sh)"
    bash "$REPO_ROOT/scripts/make-base-images.sh" >&2
  fi
}

# archive_for NAME REF KEY...: the cache path of an archive of REF whose inputs hash to KEY.
archive_for() {
  local name=$1 ref=$2
  shift 2
  local key
  key=$(printf '%s\n' "$ref" "$@" | sha256sum | cut -c1-16)
  printf '%s/%s-%s.tar' "$OUT_DIR" "$name" "$key"
}

# save REF ARCHIVE: write the local image REF as a docker-archive tagged REF.
save() {
  rm -f "$2.tmp"
  buildah push --quiet "$1" "docker-archive:$2.tmp:$1" >/dev/null
  mv "$2.tmp" "$2"
}

# build NAME REF CONTEXT [--build-arg K=V ...]: build REF from NAME.Containerfile into a cached archive;
# prints the archive path.
build() {
  local name=$1 ref=$2 context=$3
  shift 3
  local containerfile="$HERE/$name.Containerfile" archive
  archive=$(archive_for "$name" "$ref" "$(sha256sum <"$containerfile")" "$@" \
    "$(find "$context" -maxdepth 1 -type f -exec sha256sum {} + | sort)")
  if [[ -s $archive ]]; then
    log "$name: cached $archive"
  else
    log "$name: building $ref"
    buildah build "${BUILD_FLAGS[@]}" "$@" -f "$containerfile" -t "$ref" "$context" >&2
    save "$ref" "$archive"
    log "$name: saved $archive"
  fi
  printf '%s' "$archive"
}

# copy NAME REF: a published image, copied from its registry into a cached archive; prints the archive path.
copy() {
  local name=$1 ref=$2 archive
  archive=$(archive_for "$name" "$ref")
  if [[ ! -s $archive ]]; then
    log "$name: copying $ref from its registry"
    rm -f "$archive.tmp"
    skopeo copy --quiet "docker://$ref" "docker-archive:$archive.tmp:$ref" >&2
    mv "$archive.tmp" "$archive"
  fi
  printf '%s' "$archive"
}

is_local() { [[ $1 == localhost/* ]]; }

databroker_archive() {
  is_local "$DATABROKER_IMAGE" || {
    copy databroker "$DATABROKER_IMAGE"
    return
  }
  local binary context
  binary=$(bash "$HERE/build-databroker.sh")
  context=$(dirname "$binary")
  build databroker "$DATABROKER_IMAGE" "$context"
}

debian_package_archive() {
  local name=$1 ref=$2 version_arg=$3
  is_local "$ref" || {
    copy "$name" "$ref"
    return
  }
  local context
  context=$(mktemp -d)
  # An empty context: the packages come from Debian's mirror in the build stage.
  build "$name" "$ref" "$context" --build-arg "DEBIAN_BASE_IMAGE=$DEBIAN_BASE_IMAGE" --build-arg "$version_arg"
  rmdir "$context"
}

if is_local "$MQTT_IMAGE" || is_local "$BUSYBOX_IMAGE"; then ensure_debian_base; fi
mqtt=$(debian_package_archive mosquitto "$MQTT_IMAGE" "MOSQUITTO_DEB_VERSION=$MOSQUITTO_DEB_VERSION")
busybox=$(debian_package_archive busybox "$BUSYBOX_IMAGE" "BUSYBOX_DEB_VERSION=$BUSYBOX_DEB_VERSION")
databroker=$(databroker_archive)

printf '%s\t%s\t%s\n' \
  databroker "$DATABROKER_IMAGE" "$databroker" \
  mqtt "$MQTT_IMAGE" "$mqtt" \
  busybox "$BUSYBOX_IMAGE" "$busybox" >"$OUT_DIR/index.tsv.tmp"
mv "$OUT_DIR/index.tsv.tmp" "$OUT_DIR/index.tsv"
log "index: $OUT_DIR/index.tsv"
cat "$OUT_DIR/index.tsv"
