#!/usr/bin/env bash
# The cluster's PKI with openssl: a CA, the serving and client certificates of every component, the
# service-account key pair, a static token for kube-network-policies and one kubeconfig per client.
# Usage: pki.sh <dir> <node name> <node ip> <api service ip> <api url>
set -euo pipefail
DIR=$1 NODE=$2 NODE_IP=$3 API_SERVICE_IP=$4 API_URL=$5
cd "$DIR"
DAYS=2

openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days "$DAYS" -subj "/CN=projen-velocitas-cluster-ca" 2>/dev/null

# cert <name> <subject> [subjectAltName]: a key and a certificate signed by the CA.
cert() {
  local name=$1 subject=$2 san=${3:-}
  openssl req -newkey rsa:2048 -nodes -keyout "$name.key" -out "$name.csr" -subj "$subject" 2>/dev/null
  local ext="basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=${san:+serverAuth,}clientAuth"
  [ -z "$san" ] || ext+=$'\n'"subjectAltName=$san"
  openssl x509 -req -in "$name.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -out "$name.crt" -days "$DAYS" \
    -extfile <(printf '%s\n' "$ext") 2>/dev/null
  rm -f "$name.csr"
}

cert apiserver "/CN=kube-apiserver" \
  "DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,DNS:localhost,IP:$API_SERVICE_IP,IP:$NODE_IP,IP:127.0.0.1"
cert apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client"
cert admin "/O=system:masters/CN=admin"
cert kubelet "/O=system:nodes/CN=system:node:$NODE"
cert kubelet-serving "/O=system:nodes/CN=system:node:$NODE" "DNS:$NODE,IP:$NODE_IP"
cert controller-manager "/CN=system:kube-controller-manager"
cert scheduler "/CN=system:kube-scheduler"
cert kube-proxy "/CN=system:kube-proxy"
cert coredns "/CN=system:projen-velocitas:coredns"

openssl genrsa -out sa.key 2048 2>/dev/null
openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null
# kube-network-policies only reads in-cluster credentials: a bearer token (bound to RBAC in system.yaml).
openssl rand -hex 24 >knp.token
printf '%s,system:projen-velocitas:kube-network-policies,knp\n' "$(cat knp.token)" >tokens.csv

kubeconfig() {
  local name=$1
  cat >"$name.kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: pv
  cluster: {certificate-authority: $DIR/ca.crt, server: $API_URL}
users:
- name: $name
  user: {client-certificate: $DIR/$name.crt, client-key: $DIR/$name.key}
contexts:
- name: pv
  context: {cluster: pv, user: $name}
current-context: pv
EOF
}
for c in admin kubelet controller-manager scheduler kube-proxy coredns; do kubeconfig "$c"; done
chmod 0600 ./*.key knp.token tokens.csv
