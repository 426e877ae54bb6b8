#!/usr/bin/env bash
# Start a single-node Kubernetes on this machine as plain processes (no systemd, no Docker):
# etcd, kube-apiserver, kube-controller-manager, kube-scheduler, containerd, kubelet, kube-proxy,
# CoreDNS and kube-network-policies. PIDs go to $PV_CLUSTER_DIR/pids, logs to $PV_CLUSTER_LOG_DIR.
# Everything stays on the machine: a bridge of its own, no masquerading, pods cannot route off the host,
# CoreDNS resolves cluster.local only, images are imported, never pulled.
# Usage: sudo bash scripts/cluster/up.sh     (then: eval "$(bash scripts/cluster/env.sh)"; stop: down.sh)
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

reason=$("$CLUSTER_SCRIPTS_DIR/preflight.sh") || die "this machine cannot run the cluster: $reason"

bash "$CLUSTER_SCRIPTS_DIR/build.sh"

# A cluster left by an earlier run (or a failed start) is torn down first, so every run starts clean.
[ -d "$PV_CLUSTER_DIR" ] && bash "$CLUSTER_SCRIPTS_DIR/down.sh"

started=$SECONDS
on_failure() {
  log "start failed; component logs kept in $PV_CLUSTER_LOG_DIR"
  for f in "$PV_CLUSTER_LOG_DIR"/*.log; do
    printf '\n===== %s (last 15 lines) =====\n' "$(basename "$f")" >&2
    tail -15 "$f" >&2
  done
}
trap on_failure ERR

D=$PV_CLUSTER_DIR
PKI=$D/pki
mkdir -p "$D"/{pki,pids,etcd,cni/net.d,cni/ipam,kubelet,containerd/root,containerd/state,coredns,knp-secrets}
rm -rf "$PV_CLUSTER_LOG_DIR" && mkdir -p "$PV_CLUSTER_LOG_DIR"
API_URL=https://$CLUSTER_NODE_IP:6443
K=$KUBERNETES_DIR/bin
KUBECTL=$KUBECTL_DIR/bin/kubectl

# Starts a component in its own session, records its PID (and the start order down.sh reverses).
start() {
  local name=$1
  shift
  setsid "$@" >"$PV_CLUSTER_LOG_DIR/$name.log" 2>&1 </dev/null &
  echo $! >"$D/pids/$name.pid"
  echo "$name" >>"$D/pids/order"
  log "started $name (pid $!)"
}

# Polls a command until it succeeds; on timeout names what it waited for.
wait_for() {
  local what=$1 timeout=$2
  shift 2
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || { log "timed out after ${timeout}s waiting for $what"; return 1; }
    sleep 0.5
  done
}

alive() { kill -0 "$(cat "$D/pids/$1.pid")" 2>/dev/null; }

# Can this kernel load an nftables rule with a queue verdict? (a throwaway table)
nft_queue_supported() {
  local table=pv-cluster-probe ok=0
  nft add table inet "$table" &&
    nft add chain inet "$table" c '{ type filter hook postrouting priority 0; }' &&
    nft add rule inet "$table" c queue num "$KNP_QUEUE_ID" bypass 2>/dev/null && ok=1
  nft delete table inet "$table" 2>/dev/null
  [ "$ok" = 1 ]
}
KNP_QUEUE_ID=100

# --- network: a bridge of our own; pods reach each other and the node, nothing beyond ---
cat /proc/sys/net/ipv4/ip_forward >"$D/ip_forward.saved"
ip link add "$CLUSTER_BRIDGE" type bridge
ip addr add "$CLUSTER_NODE_IP/${CLUSTER_POD_CIDR#*/}" dev "$CLUSTER_BRIDGE"
ip link set "$CLUSTER_BRIDGE" up
echo 1 >/proc/sys/net/ipv4/ip_forward
if [ -w /proc/sys/net/bridge/bridge-nf-call-iptables ]; then
  cat /proc/sys/net/bridge/bridge-nf-call-iptables >"$D/bridge-nf-call-iptables.saved"
  echo 1 >/proc/sys/net/bridge/bridge-nf-call-iptables
fi
iptables -N PV-CLUSTER-LOCAL-ONLY
# Traffic from pods may go to the bridge (other pods) or the node, never out of another interface.
iptables -A PV-CLUSTER-LOCAL-ONLY -s "$CLUSTER_POD_CIDR" ! -o "$CLUSTER_BRIDGE" -j REJECT
iptables -I FORWARD 1 -j PV-CLUSTER-LOCAL-ONLY

# --- PKI ---
bash "$CLUSTER_SCRIPTS_DIR/pki.sh" "$PKI" "$NODE_NAME" "$CLUSTER_NODE_IP" "$CLUSTER_API_SERVICE_IP" "$API_URL"

# --- etcd ---
start etcd "$ETCD_DIR/bin/etcd" --name pv --data-dir "$D/etcd" \
  --listen-client-urls http://127.0.0.1:2379 --advertise-client-urls http://127.0.0.1:2379 \
  --listen-peer-urls http://127.0.0.1:2380 --initial-advertise-peer-urls http://127.0.0.1:2380 \
  --initial-cluster pv=http://127.0.0.1:2380 --log-level warn
wait_for etcd 30 curl -fsS http://127.0.0.1:2379/health

# --- control plane ---
start kube-apiserver "$K/kube-apiserver" \
  --advertise-address="$CLUSTER_NODE_IP" --bind-address="$CLUSTER_NODE_IP" --secure-port=6443 \
  --etcd-servers=http://127.0.0.1:2379 --service-cluster-ip-range="$CLUSTER_SERVICE_CIDR" \
  --client-ca-file="$PKI/ca.crt" --tls-cert-file="$PKI/apiserver.crt" --tls-private-key-file="$PKI/apiserver.key" \
  --kubelet-client-certificate="$PKI/apiserver-kubelet-client.crt" --kubelet-client-key="$PKI/apiserver-kubelet-client.key" \
  --kubelet-certificate-authority="$PKI/ca.crt" --kubelet-preferred-address-types=InternalIP \
  --service-account-key-file="$PKI/sa.pub" --service-account-signing-key-file="$PKI/sa.key" \
  --service-account-issuer=https://kubernetes.default.svc.cluster.local \
  --token-auth-file="$PKI/tokens.csv" \
  --authorization-mode=Node,RBAC --allow-privileged=true --profiling=false --v=1
wait_for kube-apiserver 60 curl -fsS --cacert "$PKI/ca.crt" "$API_URL/readyz"

start kube-controller-manager "$K/kube-controller-manager" \
  --kubeconfig="$PKI/controller-manager.kubeconfig" \
  --authentication-kubeconfig="$PKI/controller-manager.kubeconfig" --authorization-kubeconfig="$PKI/controller-manager.kubeconfig" \
  --bind-address=127.0.0.1 --cluster-signing-cert-file="$PKI/ca.crt" --cluster-signing-key-file="$PKI/ca.key" \
  --root-ca-file="$PKI/ca.crt" --service-account-private-key-file="$PKI/sa.key" --use-service-account-credentials=true \
  --allocate-node-cidrs=true --cluster-cidr="$CLUSTER_POD_CIDR" --node-cidr-mask-size="${CLUSTER_POD_CIDR#*/}" \
  --service-cluster-ip-range="$CLUSTER_SERVICE_CIDR" --profiling=false --v=1
start kube-scheduler "$K/kube-scheduler" \
  --kubeconfig="$PKI/scheduler.kubeconfig" \
  --authentication-kubeconfig="$PKI/scheduler.kubeconfig" --authorization-kubeconfig="$PKI/scheduler.kubeconfig" \
  --bind-address=127.0.0.1 --profiling=false --v=1

# --- containerd (a private instance: own socket, root and state) ---
sed -e "s#@DIR@#$D#g" -e "s#@SOCK@#$CONTAINERD_SOCK#g" -e "s#@PAUSE_IMAGE@#$PAUSE_IMAGE#g" \
  "$CLUSTER_SCRIPTS_DIR/config/containerd.toml" >"$D/containerd/config.toml"
sed -e "s#@BRIDGE@#$CLUSTER_BRIDGE#g" -e "s#@POD_CIDR@#$CLUSTER_POD_CIDR#g" -e "s#@GATEWAY@#$CLUSTER_NODE_IP#g" -e "s#@IPAM_DIR@#$D/cni/ipam#g" \
  "$CLUSTER_SCRIPTS_DIR/config/cni.conflist" >"$D/cni/net.d/10-pv.conflist"
start containerd containerd --config "$D/containerd/config.toml"
wait_for containerd 30 ctr --address "$CONTAINERD_SOCK" version
ctr --address "$CONTAINERD_SOCK" -n k8s.io images import --no-unpack=false "$PAUSE_ARCHIVE" >/dev/null

# --- kubelet ---
printf 'nameserver %s\nsearch cluster.local\n' "$CLUSTER_DNS_SERVICE_IP" >"$D/resolv.conf"
sed -e "s#@PKI@#$PKI#g" -e "s#@SOCK@#$CONTAINERD_SOCK#g" -e "s#@NODE_IP@#$CLUSTER_NODE_IP#g" \
  -e "s#@DNS_IP@#$CLUSTER_DNS_SERVICE_IP#g" -e "s#@POD_CIDR@#$CLUSTER_POD_CIDR#g" -e "s#@RESOLV@#$D/resolv.conf#g" \
  "$CLUSTER_SCRIPTS_DIR/config/kubelet.yaml" >"$D/kubelet/config.yaml"
start kubelet "$K/kubelet" --config="$D/kubelet/config.yaml" --kubeconfig="$PKI/kubelet.kubeconfig" \
  --root-dir="$D/kubelet" --hostname-override="$NODE_NAME" --node-ip="$CLUSTER_NODE_IP" --v=1

# --- kube-proxy ---
sed -e "s#@PKI@#$PKI#g" -e "s#@NODE@#$NODE_NAME#g" -e "s#@POD_CIDR@#$CLUSTER_POD_CIDR#g" -e "s#@NODE_IP@#$CLUSTER_NODE_IP#g" \
  "$CLUSTER_SCRIPTS_DIR/config/kube-proxy.yaml" >"$D/kube-proxy.yaml"
start kube-proxy "$K/kube-proxy" --config="$D/kube-proxy.yaml" --v=1

kc() { "$KUBECTL" --kubeconfig "$KUBECONFIG_ADMIN" "$@"; }
wait_for "the node to register" 60 kc get node "$NODE_NAME"
sed -e "s#@DNS_IP@#$CLUSTER_DNS_SERVICE_IP#g" -e "s#@NODE_IP@#$CLUSTER_NODE_IP#g" \
  "$CLUSTER_SCRIPTS_DIR/config/system.yaml" | kc apply -f - >/dev/null

# --- CoreDNS: a process on the node, reached through the kube-dns Service ---
sed -e "s#@NODE_IP@#$CLUSTER_NODE_IP#g" -e "s#@KUBECONFIG@#$PKI/coredns.kubeconfig#g" \
  "$CLUSTER_SCRIPTS_DIR/config/Corefile" >"$D/coredns/Corefile"
start coredns "$COREDNS_DIR/bin/coredns" -conf "$D/coredns/Corefile"

# --- kube-network-policies: reads the API as in a pod (token and CA at the in-cluster path of a private mount) ---
cp "$PKI/ca.crt" "$D/knp-secrets/ca.crt"
cp "$PKI/knp.token" "$D/knp-secrets/token"
start kube-network-policies env KUBERNETES_SERVICE_HOST="$CLUSTER_NODE_IP" KUBERNETES_SERVICE_PORT=6443 \
  unshare --mount --propagation private -- sh -c \
  "mount -t tmpfs tmpfs /run && mkdir -p /run/secrets/kubernetes.io && ln -s '$D/knp-secrets' /run/secrets/kubernetes.io/serviceaccount && exec '$KNP_DIR/bin/kube-network-policies' --hostname-override='$NODE_NAME' --disable-nri --nfqueue-id=$KNP_QUEUE_ID --netfilter-bug-1766-fix=false --metrics-bind-address=127.0.0.1:19080 --v=1"

# This kernel may lack nftables' queue expression (CONFIG_NFT_QUEUE), which the agent's own rules use to hand
# packets to its verdict loop; then the same hand-over is made with iptables' NFQUEUE target: new connections
# from or to pods, except the node's root-owned ones (kubelet probes), as the agent's rules select them.
if ! nft_queue_supported; then
  log "no nftables queue expression in this kernel: queueing pod traffic to kube-network-policies with iptables"
  iptables -t mangle -N PV-CLUSTER-NETPOL
  iptables -t mangle -A PV-CLUSTER-NETPOL -m owner --uid-owner 0 -j RETURN
  iptables -t mangle -A PV-CLUSTER-NETPOL -m conntrack --ctstate ESTABLISHED,RELATED -j RETURN
  iptables -t mangle -A PV-CLUSTER-NETPOL -s "$CLUSTER_POD_CIDR" -j NFQUEUE --queue-num "$KNP_QUEUE_ID"
  iptables -t mangle -A PV-CLUSTER-NETPOL -d "$CLUSTER_POD_CIDR" -j NFQUEUE --queue-num "$KNP_QUEUE_ID"
  iptables -t mangle -A POSTROUTING -j PV-CLUSTER-NETPOL
fi

# --- ready: the node, DNS through the Service IP, every process still alive ---
wait_for "node $NODE_NAME Ready" 120 kc wait --for=condition=Ready "node/$NODE_NAME" --timeout=2s
wait_for "CoreDNS to answer on $CLUSTER_DNS_SERVICE_IP" 60 busybox nslookup kubernetes.default.svc.cluster.local "$CLUSTER_DNS_SERVICE_IP"
wait_for "kube-network-policies to start" 30 curl -fsS http://127.0.0.1:19080/metrics
while read -r name; do
  alive "$name" || { log "$name exited"; false; }
done <"$D/pids/order"

trap - ERR
log "cluster up in $((SECONDS - started)) s"
kc version
kc get node "$NODE_NAME" -o jsonpath='node {.metadata.name}: {.status.nodeInfo.containerRuntimeVersion}, kubelet {.status.nodeInfo.kubeletVersion}{"\n"}'
