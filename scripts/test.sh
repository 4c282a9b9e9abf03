#!/usr/bin/env bash
# The README's test command. On a fresh Debian 12 machine with only the .NET 10 SDK it installs what the tests
# need, runs every test (`dotnet test OpsBot.sln`) and prints a summary. CI (.ci/run) runs exactly this.
#
#   scripts/test.sh [dotnet test options]        e.g. scripts/test.sh --filter "FullyQualifiedName~Deploy"
#
# Steps, each announced with the time spent so far:
#   1. Debian packages the tests use (list below): installed with apt-get when running as root; as another user
#      it stops at once and prints the command to run.
#   2. the OpenClaw CLI and the Node.js it needs, from npm (scripts/install-openclaw.sh, cached in .cache/openclaw)
#   3. the Debian 12 tree the systemd deployment test boots (scripts/debian-rootfs.sh, cached in .cache)
#   4. dotnet test OpsBot.sln, then the per-assembly results, the deployment test's times and score, the totals.
# The OpenClaw end-to-end tests (network namespaces) and the systemd deployment test (systemd-nspawn) need root.
# A developer may skip them with OPSBOT_SKIP_OPENCLAW=1 / OPSBOT_SKIP_SYSTEMD_TEST=1; with CI=true nothing is skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

T0=$(date +%s)
step() { echo "::: $* ($(date +%T), +$(($(date +%s) - T0)) s)"; }
fail() { echo "scripts/test.sh: $*" >&2; exit 1; }
is_true() { case "${1:-}" in 1 | true | TRUE | True) return 0 ;; *) return 1 ;; esac; }

command -v dotnet > /dev/null || fail "dotnet is not on PATH: install the .NET 10 SDK first (https://learn.microsoft.com/dotnet/core/install/linux-debian)"
root=false; [ "$(id -u)" = 0 ] && root=true
skip_openclaw=false; skip_systemd=false
if ! is_true "${CI:-}"; then
  is_true "${OPSBOT_SKIP_OPENCLAW:-}" && skip_openclaw=true
  is_true "${OPSBOT_SKIP_SYSTEMD_TEST:-}" && skip_systemd=true
fi

# 1. Debian packages: "what to look for" and the package that provides it.
need=(
  "/usr/sbin/sshd openssh-server"              # a real sshd per fixture: the gateway host over SSH
  "/usr/bin/ssh-keygen openssh-client"
  "/usr/bin/podman podman"                     # a Docker-compatible Engine API on a private socket
  "/usr/sbin/runc runc"
  "/bin/busybox busybox-static"                # the image podman runs, imported locally (no registry)
  "/usr/bin/systemd-analyze systemd"           # systemd-analyze verify of deploy/opsbot.service
)
$skip_openclaw || need+=(
  "ip iproute2"                                # the OpenClaw sandbox's private network
  "npm npm"                                    # fetches Node.js and the OpenClaw CLI once
)
$skip_systemd || need+=(
  "/usr/bin/systemd-nspawn systemd-container"  # boots the Debian 12 tree of the deployment test
  "/usr/sbin/debootstrap debootstrap"          # builds that tree once
)
missing=()
for entry in "${need[@]}"; do
  read -r what package <<< "$entry"
  case "$what" in
    /*) [ -x "$what" ] || missing+=("$package") ;;
    *) command -v "$what" > /dev/null || missing+=("$package") ;;
  esac
done

if ! $root && { ! $skip_openclaw || ! $skip_systemd; }; then
  fail "the OpenClaw end-to-end tests (network namespaces) and the systemd deployment test (systemd-nspawn) need root:
  run 'sudo scripts/test.sh', or skip them on a developer machine:
  OPSBOT_SKIP_OPENCLAW=1 OPSBOT_SKIP_SYSTEMD_TEST=1 scripts/test.sh"
fi
if [ ${#missing[@]} -gt 0 ]; then
  $root || fail "missing Debian packages: run 'sudo apt-get install -y --no-install-recommends ${missing[*]}', then scripts/test.sh again"
  step "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
else
  step "Debian packages: all present"
fi

# 2. and 3. The long, cached installs print their own progress (on stderr); their stdout (paths) is not needed here.
if $skip_openclaw; then
  step "OpenClaw CLI: skipped (OPSBOT_SKIP_OPENCLAW=1)"
else
  step "OpenClaw CLI from npm (scripts/install-openclaw.sh)"
  scripts/install-openclaw.sh > /dev/null
fi
if $skip_systemd; then
  step "Debian 12 tree for the systemd test: skipped (OPSBOT_SKIP_SYSTEMD_TEST=1)"
else
  step "Debian 12 tree for the systemd deployment test (scripts/debian-rootfs.sh)"
  scripts/debian-rootfs.sh > /dev/null
fi

# 4. The tests.
step "dotnet test OpsBot.sln $*"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
report=.cache/deploy-test/report.txt
rm -f "$report"
set +e
dotnet test OpsBot.sln "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
set -e

step "summary"
results=$(grep -E '^(Passed|Failed)! +- ' "$log" || true)
[ -n "$results" ] && sed 's/^/  /' <<< "$results"
if [ -f "$report" ]; then
  echo "  systemd deployment test (times, score):"
  sed 's/^/    /' "$report"
fi
sum() { grep -Eo "$1: +[0-9]+" <<< "$results" | awk '{ s += $2 } END { print s + 0 }'; }
if [ -z "$results" ]; then
  echo "no test results: the build or the test run failed (exit code $rc), see above"
else
  echo "$(sum Passed) passed, $(sum Failed) failed, $(sum Skipped) skipped in $(($(date +%s) - T0)) s (exit code $rc)"
fi
exit "$rc"
