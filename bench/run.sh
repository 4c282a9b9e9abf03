#!/usr/bin/env bash
# Proxy benchmark: publishes opsbot (Release, ReadyToRun, as docs/deploy.md does), builds the benchmark, and runs one measurement of about 4 minutes (--quick: about 2).
# Not part of the test suite. Usage: bench/run.sh [--quick] [--no-diagnose] [--env KEY=VALUE]... (--env: runtime settings for the opsbot processes)
# bench/run.sh edge runs the memory probes with hostile clients and upstreams instead (about 2 minutes).
# bench/run.sh backends [--quick] (or --multi) compares the multi-backend routings: 3 vLLM simulators with a prefix cache behind one
# opsbot, 200 agent conversations of 10 turns, undisturbed and with one backend killed halfway (about 6 minutes; --quick
# 100 conversations of 6 turns, about 3).
# Results: markdown on stdout and in bench/RESULTS.md. Set OPSBOT_SHARED_DIR if shared/reference is not beside the repo.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

# nginx is the baseline: one plain reverse-proxy hop beside the direct upstream (Debian's nginx-light).
if [[ ! -x /usr/sbin/nginx ]]; then
  if [[ $(id -u) -eq 0 ]]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q nginx-light >/dev/null
  else
    echo "bench: nginx not installed (sudo apt-get install nginx-light); running without the nginx hop baseline" >&2
  fi
fi

# opsbot as docs/deploy.md publishes it (ReadyToRun for linux-x64), framework-dependent so that `dotnet opsbot.dll` runs it:
# start-up is measured on the code that ships, not on a JIT-only build.
opsbot_dir="$root/bench/ProxyBench/bin/opsbot-publish"
dotnet publish src/OpsBot/OpsBot.csproj -c Release -r linux-x64 --self-contained false -o "$opsbot_dir" --nologo -v quiet
dotnet build bench/ProxyBench/ProxyBench.csproj -c Release --nologo -v quiet

mode=()
if [[ "${1:-}" == "edge" || "${1:-}" == "backends" ]]; then
  mode=("$1")
  shift
elif [[ "${1:-}" == "--multi" ]]; then
  mode=(backends)
  shift
fi

exec dotnet bench/ProxyBench/bin/Release/net10.0/ProxyBench.dll "${mode[@]}" \
  --opsbot "$opsbot_dir/opsbot.dll" \
  --results bench/RESULTS.md "$@"
