#!/bin/bash
# System packages the OpsBot.IntegrationTests need: a real OpenSSH server (sshd) and ssh-keygen,
# started per test fixture on 127.0.0.1 with its own config and keys. Idempotent; run as root.
set -euo pipefail
if command -v sshd >/dev/null 2>&1 || [ -x /usr/sbin/sshd ]; then
  if command -v ssh-keygen >/dev/null 2>&1; then exit 0; fi
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends openssh-server openssh-client
