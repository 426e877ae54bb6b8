#!/usr/bin/env bash
# Build LOCAL stand-in base images for the OCI build tests.
#
# No container registry is reachable from the development / CI machines, so the
# images that generated Dockerfiles name in FROM are produced here from Debian
# packages (debootstrap, variant minbase, from deb.debian.org) and imported into
# the root containers-storage (/var/lib/containers/storage), which buildah,
# podman and skopeo all share when run as root.
#
# Produced (linux/amd64):
#   docker.io/library/debian:bookworm-slim      minbase + ca-certificates
#   docker.io/library/debian:bookworm           same image (second tag)
#   docker.io/library/python:3.12-slim-bookworm minbase + python3, python3-venv,
#                                               python3-pip, ca-certificates
#                                               (Python 3.11 inside: stand-in only)
# Optional (BASE_IMAGES_ARM64=1, ~20 min: debootstrap second stage under qemu):
#   localhost/velocitas-standin/python:3.12-slim-bookworm-arm64 (linux/arm64/v8)
# which test/validators/oci.ts substitutes for the python name in linux/arm64
# builds (buildah --build-context).
#
# Idempotent: an image that already exists with the current revision marker
# (kept in its history comment, not in labels: built images must inherit no
# labels, as with the official images) is left alone. Root filesystems are
# cached as tarballs (and the .debs) under .cache/base-images/, so a re-run
# after wiping the container storage only re-imports (~5 s per image).
# Pinned: suite, variant, mirror and package lists; package versions are those
# of the current bookworm point release (no snapshot mirror is reachable).
#
# Usage: sudo bash scripts/make-base-images.sh [--force]
# Env:   BASE_IMAGES_CACHE_DIR  (default: <repo>/.cache/base-images)
#        BASE_IMAGES_ARM64=1    also build the arm64 python stand-in (needs
#                               qemu-user-static + binfmt_misc; ~20 minutes)
set -euo pipefail

# ---------------------------------------------------------------- pins ------
readonly ROOTFS_REV=1 # bump when the root filesystems change (re-debootstrap)
readonly IMAGE_REV=2  # bump when only the image config changes (re-import)
readonly SUITE=bookworm
readonly VARIANT=minbase
readonly MIRROR=http://deb.debian.org/debian
readonly SECURITY_MIRROR=http://deb.debian.org/debian-security
readonly DEBIAN_SLIM=docker.io/library/debian:bookworm-slim
readonly DEBIAN_FULL=docker.io/library/debian:bookworm
readonly PYTHON=docker.io/library/python:3.12-slim-bookworm
readonly PYTHON_ARM64=localhost/velocitas-standin/python:3.12-slim-bookworm-arm64
readonly BASE_PKGS=ca-certificates
readonly PYTHON_PKGS=ca-certificates,python3,python3-venv,python3-pip
readonly DEFAULT_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE_DIR=${BASE_IMAGES_CACHE_DIR:-$REPO_ROOT/.cache/base-images}
WANT_ARM64=${BASE_IMAGES_ARM64:-0}
FORCE=0
for arg in "$@"; do
  case "$arg" in
    --force) FORCE=1 ;;
    -h | --help)
      sed -n '2,30p' "${BASH_SOURCE[0]}"
      exit 0
      ;;
    *)
      echo "unknown argument: $arg" >&2
      exit 2
      ;;
  esac
done

log() { printf '[make-base-images] %s\n' "$*" >&2; }
die() {
  log "ERROR: $*"
  exit 1
}

[[ $(id -u) -eq 0 ]] || die "must run as root (debootstrap, root containers-storage)"
for tool in debootstrap podman buildah skopeo flock tar; do
  command -v "$tool" >/dev/null || die "missing $tool: run bash scripts/install-validators.sh"
done

mkdir -p "$CACHE_DIR/debs"
CACHE_DIR=$(cd "$CACHE_DIR" && pwd)

# Several jest workers may call us at once: serialise.
exec 9>"$CACHE_DIR/.lock"
flock 9

# Lazily unmount anything (proc, sys, dev/pts) a failed debootstrap left
# mounted below $1.
unmount_under() {
  local m
  awk -v p="$1/" 'index($2, p) == 1 { print $2 }' /proc/mounts | sort -r |
    while read -r m; do umount -l "$m" || true; done
}
WORK_DIRS=()
cleanup() {
  local d
  for d in "${WORK_DIRS[@]}"; do
    [[ -n "$d" && -d "$d" ]] || continue
    unmount_under "$d"
    rm -rf --one-file-system "$d"
  done
}
trap cleanup EXIT

# True if $1 exists in containers-storage as a single image of arch $2 made
# by this revision of the script (imported as $3, default $1).
image_current() {
  local ref=$1 arch=$2 imported_as=${3:-$1} out
  out=$(podman image inspect --format '{{.Architecture}} {{range .History}}{{.Comment}}{{end}}' "$ref" 2>/dev/null) || return 1
  [[ "$out" == "$arch $(standin_marker "$imported_as")" ]]
}
standin_marker() { printf 'velocitas stand-in rev%s.%s for %s (debootstrap %s/%s)' "$ROOTFS_REV" "$IMAGE_REV" "$1" "$SUITE" "$VARIANT"; }

ensure_binfmt_aarch64() {
  [[ -f /proc/sys/fs/binfmt_misc/register ]] || mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
  if [[ ! -f /proc/sys/fs/binfmt_misc/qemu-aarch64 ]]; then
    command -v update-binfmts >/dev/null || die "missing binfmt-support/qemu-user-static"
    update-binfmts --enable qemu-aarch64
  fi
  grep -q '^enabled' /proc/sys/fs/binfmt_misc/qemu-aarch64 || die "qemu-aarch64 binfmt handler not enabled"
}

# make_rootfs NAME ARCH INCLUDE FLAVOUR  -> sets ROOTFS_TARBALL (no subshell,
# so the EXIT trap can clean up a half-built work dir)
ROOTFS_TARBALL=
make_rootfs() {
  local name=$1 arch=$2 include=$3 flavour=$4
  local tarball="$CACHE_DIR/$name-$arch-rev$ROOTFS_REV.tar"
  if [[ -s "$tarball" && $FORCE -eq 0 ]]; then
    log "cached rootfs $tarball"
    ROOTFS_TARBALL=$tarball
    return
  fi
  local work
  work=$(mktemp -d "$CACHE_DIR/work.XXXXXX")
  WORK_DIRS+=("$work")
  local root="$work/root" start=$SECONDS
  log "debootstrap $SUITE/$VARIANT $arch (+$include) ..."
  local -a db=(debootstrap --arch="$arch" --variant="$VARIANT" --include="$include"
    --cache-dir="$CACHE_DIR/debs")
  if [[ "$arch" == "$(dpkg --print-architecture)" ]]; then
    "${db[@]}" "$SUITE" "$root" "$MIRROR" >"$work/debootstrap.log" 2>&1 ||
      die "debootstrap failed, see: $(tail -20 "$work/debootstrap.log")"
  else
    [[ "$arch" == arm64 ]] || die "foreign arch $arch not supported"
    ensure_binfmt_aarch64
    "${db[@]}" --foreign "$SUITE" "$root" "$MIRROR" >"$work/debootstrap.log" 2>&1 ||
      die "debootstrap (first stage) failed: $(tail -20 "$work/debootstrap.log")"
    # binfmt handler has the F flag: no qemu binary needed inside the chroot.
    chroot "$root" /debootstrap/debootstrap --second-stage >>"$work/debootstrap.log" 2>&1 ||
      die "debootstrap (second stage) failed: $(tail -20 "$work/debootstrap.log")"
  fi
  unmount_under "$work"

  # Make it look like the official image: deb822 sources incl. updates and
  # security, empty apt lists / caches, nothing in /dev.
  rm -f "$root/etc/apt/sources.list"
  cat >"$root/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $MIRROR
Suites: $SUITE $SUITE-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $SECURITY_MIRROR
Suites: $SUITE-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  cat >"$root/etc/apt/apt.conf.d/docker-clean" <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF
  printf 'APT::Install-Recommends "false";\n' >"$root/etc/apt/apt.conf.d/docker-no-recommends"
  rm -rf --one-file-system "${root:?}"/var/lib/apt/lists/* "$root"/var/cache/apt/archives/*.deb \
    "$root"/var/cache/apt/*.bin "$root"/var/log/*.log "$root"/var/log/apt/* \
    "${root:?}"/dev/* "${root:?}"/proc/* "$root"/sys/* "$root"/run/* "$root"/tmp/* \
    "$root"/debootstrap
  printf '%s\n' "$SUITE" >"$root/etc/hostname"

  if [[ "$flavour" == python ]]; then
    # Official python images have python/pip on /usr/local/bin and no
    # EXTERNALLY-MANAGED marker; mimic both path conventions.
    local py
    py=$(basename "$(readlink -f "$root/usr/bin/python3")")
    [[ -x "$root/usr/bin/$py" ]] || die "python3 missing in $root"
    ln -sf /usr/bin/python3 "$root/usr/local/bin/python3"
    ln -sf /usr/bin/python3 "$root/usr/local/bin/python"
    ln -sf /usr/bin/pip3 "$root/usr/local/bin/pip3"
    ln -sf /usr/bin/pip3 "$root/usr/local/bin/pip"
    rm -f "$root"/usr/lib/python3*/EXTERNALLY-MANAGED
  fi

  tar --numeric-owner --xattrs -C "$root" -cf "$tarball.tmp" .
  mv "$tarball.tmp" "$tarball"
  log "rootfs $name/$arch built in $((SECONDS - start))s -> $tarball"
  rm -rf --one-file-system "$work"
  ROOTFS_TARBALL=$tarball
}

# import_image TARBALL REF ARCH FLAVOUR
import_image() {
  local tarball=$1 ref=$2 arch=$3 flavour=$4
  local -a change=(--change "ENV PATH=$DEFAULT_PATH")
  if [[ "$flavour" == python ]]; then
    change+=(--change "ENV LANG=C.UTF-8" --change 'CMD ["python3"]')
  else
    change+=(--change 'CMD ["bash"]')
  fi
  local -a variant=()
  [[ "$arch" == arm64 ]] && variant=(--variant v8)
  log "importing $ref ($arch)"
  podman import -q --os linux --arch "$arch" "${variant[@]}" "${change[@]}" \
    --message "$(standin_marker "$ref")" "$tarball" "$ref" >/dev/null
}

# ------------------------------------------------------------- debian -------
if [[ $FORCE -eq 0 ]] && image_current "$DEBIAN_SLIM" amd64 && image_current "$DEBIAN_FULL" amd64 "$DEBIAN_SLIM"; then
  log "$DEBIAN_SLIM and $DEBIAN_FULL up to date"
else
  make_rootfs debian-$SUITE-$VARIANT amd64 "$BASE_PKGS" debian
  import_image "$ROOTFS_TARBALL" "$DEBIAN_SLIM" amd64 debian
  podman tag "$DEBIAN_SLIM" "$DEBIAN_FULL"
fi

# ------------------------------------------------------------- python -------
if [[ $FORCE -eq 0 ]] && image_current "$PYTHON" amd64; then
  log "$PYTHON up to date"
else
  # An older revision may have left a manifest list under this name; untag
  # only this name (podman untag without names strips ALL names of an image).
  podman manifest rm "$PYTHON" >/dev/null 2>&1 || podman untag "$PYTHON" "$PYTHON" >/dev/null 2>&1 || true
  make_rootfs python-$SUITE-$VARIANT amd64 "$PYTHON_PKGS" python
  import_image "$ROOTFS_TARBALL" "$PYTHON" amd64 python
fi

if [[ "$WANT_ARM64" == 1 ]]; then
  # NOT a manifest list under the docker.io name: with podman 4.3 a locally
  # assembled list breaks `podman images` / `skopeo inspect` for every user of
  # the storage. Builds for linux/arm64 substitute it with
  # `--build-context <python name>=container-image://<this tag>` instead.
  if [[ $FORCE -eq 0 ]] && image_current "$PYTHON_ARM64" arm64; then
    log "$PYTHON_ARM64 up to date"
  else
    make_rootfs python-$SUITE-$VARIANT arm64 "$PYTHON_PKGS" python
    import_image "$ROOTFS_TARBALL" "$PYTHON_ARM64" arm64 python
  fi
fi

log "done: $(podman images --format '{{.Repository}}:{{.Tag}}' | grep -E 'library/(debian|python)|velocitas-standin' | sort | tr '\n' ' ')"
