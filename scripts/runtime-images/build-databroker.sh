#!/usr/bin/env bash
# Build the KUKSA databroker from its source archive into a static binary, cached by version.
#
# Output: $PV_CACHE_DIR/databroker/<version>/bin/databroker (static, x86_64, fits an image FROM scratch).
# A rerun with the binary present takes no time; the cargo target dir is kept next to it so an
# interrupted build resumes. Crates come from crates.io (`--locked`: the archive's Cargo.lock).
#
# Env: DATABROKER_SOURCE_ARCHIVE  source tarball of the databroker at DATABROKER_VERSION
#                                 (default: ../shared/vendor/kuksa-databroker-<version>.tar.gz, if it exists)
#      PV_CACHE_DIR               cache root (default: ~/.cache/projen-velocitas)
# Prints the binary's path on stdout.
set -euo pipefail
shopt -s inherit_errexit

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source-path=SCRIPTDIR source=../versions.env
source "$REPO_ROOT/scripts/versions.env"

log() { printf '[build-databroker] %s\n' "$*" >&2; }
die() {
  log "ERROR: $*"
  exit 1
}

CACHE_ROOT=${PV_CACHE_DIR:-$HOME/.cache/projen-velocitas}
OUT_DIR=$CACHE_ROOT/databroker/$DATABROKER_VERSION
BIN=$OUT_DIR/bin/databroker
TARGET=x86_64-unknown-linux-gnu

if [[ -x $BIN ]]; then
  printf '%s\n' "$BIN"
  exit 0
fi

DEFAULT_ARCHIVE=$REPO_ROOT/../shared/vendor/kuksa-databroker-$DATABROKER_VERSION.tar.gz
ARCHIVE=${DATABROKER_SOURCE_ARCHIVE:-}
if [[ -z $ARCHIVE ]]; then
  [[ -f $DEFAULT_ARCHIVE ]] || die "no databroker source: set DATABROKER_SOURCE_ARCHIVE to a source tarball of kuksa-databroker $DATABROKER_VERSION, or set DATABROKER_IMAGE to a published image (e.g. ghcr.io/eclipse-kuksa/kuksa-databroker:$DATABROKER_VERSION) and skip this build"
  ARCHIVE=$DEFAULT_ARCHIVE
fi
[[ -f $ARCHIVE ]] || die "DATABROKER_SOURCE_ARCHIVE=$ARCHIVE: no such file"
for tool in cargo cmake g++ tar flock readelf; do
  command -v "$tool" >/dev/null || die "missing $tool (cargo: https://rustup.rs; others: apt-get install cmake g++)"
done

mkdir -p "$OUT_DIR"
exec 9>"$OUT_DIR/.lock"
flock 9
if [[ -x $BIN ]]; then # built by a concurrent run while we waited
  printf '%s\n' "$BIN"
  exit 0
fi

SRC=$OUT_DIR/src
rm -rf "$SRC"
mkdir -p "$SRC"
tar -xzf "$ARCHIVE" -C "$SRC" --strip-components=1
[[ -f $SRC/Cargo.lock && -d $SRC/databroker ]] || die "$ARCHIVE is not a kuksa-databroker source tree (no Cargo.lock / databroker/)"
grep -q "^version = \"$DATABROKER_VERSION\"" "$SRC/databroker/Cargo.toml" \
  || die "$ARCHIVE is not databroker $DATABROKER_VERSION (see databroker/Cargo.toml); set DATABROKER_VERSION in scripts/versions.env to match"

log "building databroker $DATABROKER_VERSION (cold: ~15 min, mostly protoc compiled by a build script); log: $OUT_DIR/build.log"
start=$(date +%s)
# Outside a git checkout vergen falls back to defaults: stamp the release commit instead.
(
  cd "$SRC"
  VERGEN_GIT_SHA=$DATABROKER_COMMIT \
    VERGEN_GIT_BRANCH=$DATABROKER_VERSION \
    VERGEN_GIT_SEMVER_LIGHTWEIGHT=$DATABROKER_VERSION \
    CARGO_TARGET_DIR=$OUT_DIR/target \
    RUSTFLAGS="-C target-feature=+crt-static" \
    cargo build --release --locked --target "$TARGET" -p databroker --bin databroker
) >"$OUT_DIR/build.log" 2>&1 || die "cargo build failed; see $OUT_DIR/build.log (tail: $(tail -n 5 "$OUT_DIR/build.log"))"

mkdir -p "$OUT_DIR/bin"
install -m 0755 "$OUT_DIR/target/$TARGET/release/databroker" "$BIN.tmp"
if readelf --program-headers "$BIN.tmp" | grep -q 'program interpreter'; then
  die "$BIN.tmp is dynamically linked; an image FROM scratch needs a static binary"
fi
mv "$BIN.tmp" "$BIN"
# The binary is the cache; the sources and the ~800 MB target dir are not needed again.
rm -rf "$SRC" "$OUT_DIR/target"
log "built in $(($(date +%s) - start)) s: $BIN"
printf '%s\n' "$BIN"
