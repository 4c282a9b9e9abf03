#!/usr/bin/env bash
# Builds, once, the minimal Debian 12 (bookworm) root filesystem the systemd deployment test boots with
# systemd-nspawn (tests/OpsBot.IntegrationTests/Deploy/SystemdDeploymentTests.cs), and prints its path.
#
#   scripts/debian-rootfs.sh            prints ROOTFS=<dir> on stdout; progress on stderr
#
# The tree lives under $OPSBOT_ROOTFS_CACHE (default <repo>/.cache, git-ignored) in a folder named after a
# hash of what goes into it (suite, variant, packages, the setup below), so changing the list rebuilds it
# and an unchanged list reuses it (a cold build takes 3-13 minutes on a loaded 2-core machine).
# The tree is never modified after it is built: the test boots it with --volatile=overlay.
# Needs root and debootstrap; exits non-zero with the reason otherwise.
set -euo pipefail

SUITE=bookworm
VARIANT=minbase
MIRROR=${OPSBOT_DEBIAN_MIRROR:-http://deb.debian.org/debian}
# What the deployment test and docs/deploy.md's commands use inside the container: systemd as PID 1 and a user
# manager (systemd-sysv, dbus, dbus-user-session, libpam-systemd), sudo for `sudo loginctl enable-linger`,
# curl and ss (iproute2) for the health checks, ca-certificates for a self-contained .NET app's TLS, ssh-keygen
# (openssh-client) for the gateway key step, ps (procps) for diagnostics.
PACKAGES=systemd,systemd-sysv,dbus,dbus-user-session,libpam-systemd,sudo,curl,ca-certificates,iproute2,openssh-client,procps
# Bump when the setup after debootstrap changes, so cached trees are rebuilt.
SETUP_VERSION=1

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${OPSBOT_ROOTFS_CACHE:-$REPO/.cache}
KEY=$(printf '%s\n' "$SUITE" "$VARIANT" "$PACKAGES" "$SETUP_VERSION" | sha256sum | cut -c1-12)
NAME=rootfs-$SUITE-$KEY
ROOTFS=$CACHE/$NAME

log() { echo "[debian-rootfs] $*" >&2; }
die() { echo "[debian-rootfs] FAILED: $*" >&2; exit 1; }

if [ -f "$ROOTFS/.ok" ]; then
  log "cached: $ROOTFS"
  echo "ROOTFS=$ROOTFS"
  exit 0
fi

[ "$(id -u)" = 0 ] || die "building $ROOTFS needs root (debootstrap): run 'sudo $0' once"
command -v debootstrap > /dev/null || die "debootstrap is missing: run 'sudo apt-get install -y debootstrap'"

mkdir -p "$CACHE/debootstrap-debs"
# One build at a time (scripts/test.sh builds it first, the test calls this script again).
exec 9> "$CACHE/.rootfs.lock"
flock -w 1800 9 || die "another build holds $CACHE/.rootfs.lock for more than 30 minutes"
if [ -f "$ROOTFS/.ok" ]; then
  log "built by another run: $ROOTFS"
  echo "ROOTFS=$ROOTFS"
  exit 0
fi

partial=$ROOTFS.partial
# debootstrap mounts /proc and /sys inside the tree; an interrupted run leaves them mounted.
remove_partial() {
  findmnt -rn -o TARGET | { grep -F "$partial/" || true; } | sort -r | while read -r m; do umount -l "$m" || true; done
  rm -rf "$partial"
}
remove_partial
logfile=$CACHE/$NAME.log
t0=$(date +%s)
log "debootstrap $VARIANT $SUITE from $MIRROR with $PACKAGES (log: $logfile)"
debootstrap --variant="$VARIANT" --include="$PACKAGES" --cache-dir="$CACHE/debootstrap-debs" \
  "$SUITE" "$partial" "$MIRROR" > "$logfile" 2>&1 &
pid=$!
# debootstrap prints a line per package; show where it is every 20 s instead.
while kill -0 "$pid" 2> /dev/null; do
  for _ in $(seq 20); do kill -0 "$pid" 2> /dev/null || break; sleep 1; done
  kill -0 "$pid" 2> /dev/null && log "debootstrap: $(($(date +%s) - t0)) s, $(tail -1 "$logfile" | cut -c1-100)"
done
wait "$pid" || { tail -20 "$logfile" >&2; remove_partial; die "debootstrap failed (log: $logfile)"; }

# A container booted for a test needs no timers, no login prompt on the console and no network setup.
for unit in apt-daily.timer apt-daily-upgrade.timer dpkg-db-backup.timer e2scrub_all.timer fstrim.timer \
            console-getty.service getty@tty1.service systemd-networkd-wait-online.service; do
  ln -sf /dev/null "$partial/etc/systemd/system/$unit"
done
echo "opsbot-deploy-test" > "$partial/etc/hostname"
echo "127.0.1.1 opsbot-deploy-test" >> "$partial/etc/hosts"
rm -rf "$partial/var/cache/apt/archives/"*.deb "$partial/var/lib/apt/lists/"*_Packages
touch "$partial/.ok"
mv "$partial" "$ROOTFS"

# Older trees (another package list) are 260 MB each: keep only this one and its log.
for old in "$CACHE"/rootfs-"$SUITE"-*; do
  case "$old" in "$ROOTFS" | "$logfile") continue ;; esac
  log "removing outdated $old"
  rm -rf "$old"
done
log "built in $(($(date +%s) - t0)) s, $(du -sh "$ROOTFS" | cut -f1): $ROOTFS"
echo "ROOTFS=$ROOTFS"
