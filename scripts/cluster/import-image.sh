#!/usr/bin/env bash
# Import a docker-archive into the cluster's containerd (namespace k8s.io), where the kubelet finds it
# without pulling. Usage: bash scripts/cluster/import-image.sh <docker-archive>...
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
[ -S "$CONTAINERD_SOCK" ] || die "the cluster's containerd is not running (start it with scripts/cluster/up.sh)"
for archive in "$@"; do
  [ -f "$archive" ] || die "no such image archive: $archive"
  ctr --address "$CONTAINERD_SOCK" -n k8s.io images import "$archive" >&2
done
