#!/usr/bin/env bash
# Stop the cluster of up.sh and leave the machine as it was: pods removed (so their network namespaces and
# veths go), processes stopped in reverse start order by their recorded PIDs, iptables chains of
# kube-proxy, the kubelet and the policy agent removed, the bridge deleted, sysctls restored, every mount
# under the state dir unmounted and the state dir removed. Logs stay in $PV_CLUSTER_LOG_DIR.
# Usage: sudo bash scripts/cluster/down.sh
set -uo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
D=$PV_CLUSTER_DIR
[ -d "$D" ] || { log "no cluster state in $D: nothing to stop"; exit 0; }
KUBECTL=$KUBECTL_DIR/bin/kubectl

pid_of() { cat "$D/pids/$1.pid" 2>/dev/null; }
# Running means present and not a zombie (a zombie waits for whoever adopted it to reap it).
running() { [ -r "/proc/$1/stat" ] && ! awk '{exit ($3 == "Z") ? 0 : 1}' "/proc/$1/stat" 2>/dev/null; }

# 1. Pods first, while the kubelet and containerd still run: a cordoned node gets no replacements.
if [ -f "$KUBECONFIG_ADMIN" ] && "$KUBECTL" --kubeconfig "$KUBECONFIG_ADMIN" --request-timeout=3s get --raw /readyz >/dev/null 2>&1; then
  kc() { "$KUBECTL" --kubeconfig "$KUBECONFIG_ADMIN" --request-timeout=10s "$@"; }
  kc cordon "$NODE_NAME" >/dev/null 2>&1
  kc delete pods --all --all-namespaces --grace-period=3 --wait=false >/dev/null 2>&1
  deadline=$((SECONDS + 60))
  while [ -n "$(kc get pods -A -o name 2>/dev/null)" ] && [ $SECONDS -lt $deadline ]; do sleep 1; done
fi

# Sandboxes containerd still knows of: their network namespaces are unmounted below if a pod outlived the drain.
netns_paths=()
if [ -S "$CONTAINERD_SOCK" ]; then
  for id in $(ctr --address "$CONTAINERD_SOCK" -n k8s.io containers ls -q 2>/dev/null); do
    p=$(ctr --address "$CONTAINERD_SOCK" -n k8s.io containers info "$id" 2>/dev/null |
      jq -r '.Spec.linux.namespaces[]? | select(.type == "network") | .path // empty')
    [ -n "$p" ] && netns_paths+=("$p")
  done
fi

# 2. Processes in reverse start order, each by its PID (checked to still be the program started).
if [ -f "$D/pids/order" ]; then
  for name in $(tac "$D/pids/order"); do
    pid=$(pid_of "$name") || continue
    running "$pid" || continue
    kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 1 100); do running "$pid" || break; sleep 0.1; done
    if running "$pid"; then
      log "$name (pid $pid) did not stop on TERM: killing it"
      kill -KILL "$pid" 2>/dev/null
      sleep 0.2
    fi
    log "stopped $name"
  done
fi
# Container shims of this containerd instance (started by it, named by its socket) that outlived their pods.
for pid in $(pgrep -f -- "-address $CONTAINERD_SOCK" 2>/dev/null); do
  log "stopping leftover shim $pid"
  kill -KILL "$pid" 2>/dev/null
done

# 3. Firewall: kube-proxy's own cleanup, then the chains the kubelet and kube-proxy leave behind.
if [ -x "$KUBERNETES_DIR/bin/kube-proxy" ]; then
  "$KUBERNETES_DIR/bin/kube-proxy" --cleanup >>"$PV_CLUSTER_LOG_DIR/kube-proxy-cleanup.log" 2>&1 || true
fi
for cmd in iptables ip6tables; do
  for table in filter nat mangle; do
    chains=$($cmd -t "$table" -S 2>/dev/null | awk '/^-N (KUBE-|PV-CLUSTER-)/ {print $2}')
    [ -n "$chains" ] || continue
    # Rules that jump to one of them, from any chain, go first.
    $cmd -t "$table" -S 2>/dev/null | grep -E -- '-j (KUBE-|PV-CLUSTER-)' | sed 's/^-A /-D /' | while read -r rule; do
      eval "$cmd -t $table $rule" 2>/dev/null
    done
    for c in $chains; do $cmd -t "$table" -F "$c" 2>/dev/null; done
    for c in $chains; do $cmd -t "$table" -X "$c" 2>/dev/null; done
  done
done
# kube-network-policies removes its nftables table on exit; a killed one may leave it.
if command -v nft >/dev/null; then
  nft list tables 2>/dev/null | awk '/kube-network-policies/ {print $2, $3}' | while read -r family table; do
    nft delete table "$family" "$table"
  done
fi

# 4. Network namespaces of pods that outlived the drain, the bridge, the sysctls.
for p in "${netns_paths[@]}"; do
  [ -e "$p" ] || continue
  umount "$p" 2>/dev/null
  rm -f "$p"
done
ip link show "$CLUSTER_BRIDGE" >/dev/null 2>&1 && ip link del "$CLUSTER_BRIDGE"
[ -f "$D/ip_forward.saved" ] && cat "$D/ip_forward.saved" >/proc/sys/net/ipv4/ip_forward
[ -f "$D/bridge-nf-call-iptables.saved" ] && cat "$D/bridge-nf-call-iptables.saved" >/proc/sys/net/bridge/bridge-nf-call-iptables

# The kubelet's pod cgroups (cgroupfs driver), now empty: deepest first.
for hierarchy in /sys/fs/cgroup /sys/fs/cgroup/*; do
  [ -d "$hierarchy/kubepods" ] && find "$hierarchy/kubepods" -depth -type d -exec rmdir {} + 2>/dev/null
done

# 5. Mounts under the state dir (deepest first), then the state itself.
awk -v d="$D" '$2 == d || index($2, d "/") == 1 {print $2}' /proc/self/mounts | sort -r | while read -r m; do
  umount "$m" 2>/dev/null || umount -l "$m"
done
rm -rf "$D"
log "cluster stopped; logs in $PV_CLUSTER_LOG_DIR"
