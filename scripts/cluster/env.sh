#!/usr/bin/env bash
# Print the shell settings that point kubectl and helm at the cluster of up.sh: eval "$(bash scripts/cluster/env.sh)"
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
printf 'export KUBECONFIG=%q\n' "$KUBECONFIG_ADMIN"
# shellcheck disable=SC2016  # $PATH is expanded by the shell that evals this
printf 'export PATH=%q:"$PATH"\n' "$KUBECTL_DIR/bin"
