#!/usr/bin/env bash
# Can this machine run the cluster? Exit 0 silently if so; otherwise print the reason and exit 1.
# (The e2e reports a machine that cannot as skipped with this reason outside CI, and fails with it in CI.)
set -uo pipefail
[ "$(id -u)" = 0 ] || { echo "needs root (it starts containerd, the kubelet and iptables rules)"; exit 1; }
[ "$(uname -s)" = Linux ] || { echo "needs Linux"; exit 1; }
[ "$(uname -m)" = x86_64 ] || { echo "the cluster scripts are written for x86_64, this is $(uname -m)"; exit 1; }
if ! grep -q '^cgroup2 /sys/fs/cgroup ' /proc/self/mounts && ! grep -q ' /sys/fs/cgroup/memory cgroup ' /proc/self/mounts; then
  echo "no cgroup memory controller mounted (neither cgroup v2 at /sys/fs/cgroup nor v1 at /sys/fs/cgroup/memory)"
  exit 1
fi
for tool in go npm ip iptables openssl unshare curl jq buildah; do
  command -v "$tool" >/dev/null || { echo "missing tool '$tool'"; exit 1; }
done
[ -w /proc/sys/net/ipv4/ip_forward ] || { echo "cannot set net.ipv4.ip_forward (read-only /proc/sys)"; exit 1; }
ip link add pv-preflight0 type bridge 2>/dev/null || { echo "cannot create a network bridge (no CAP_NET_ADMIN?)"; exit 1; }
ip link del pv-preflight0
