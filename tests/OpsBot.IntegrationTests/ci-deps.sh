#!/bin/bash
# System packages the OpsBot.IntegrationTests need (Debian 12), installed idempotently as root:
# - openssh-server/openssh-client: a real sshd (+ ssh-keygen) started per test fixture on 127.0.0.1
# - systemd: systemd-analyze verify for the unit file test
# - podman + runc + busybox-static: a real Docker-compatible Engine API (podman system service on a
#   private unix socket) running a container from a locally imported busybox image, no registry needed
set -euo pipefail
need=()
[ -x /usr/sbin/sshd ] || need+=(openssh-server)
command -v ssh-keygen >/dev/null 2>&1 || need+=(openssh-client)
[ -x /usr/bin/podman ] || need+=(podman)
[ -x /usr/sbin/runc ] || need+=(runc)
[ -x /bin/busybox ] || need+=(busybox-static)
# systemd-analyze verifies deploy/opsbot.service (systemd need not be running)
command -v systemd-analyze >/dev/null 2>&1 || need+=(systemd)
if [ ${#need[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
