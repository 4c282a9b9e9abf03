#!/usr/bin/env bash
# Runs one OpenClaw command inside the namespaces `unshare -n -m` gave us (see OpenClawSandbox.cs):
#   - network: only loopback exists, so nothing OpenClaw does can leave the machine;
#   - mounts: /tmp is the run's own tmp folder (OpenClaw hard-codes /tmp/openclaw and, from 2026.9,
#     /tmp/openclaw-state-locks-0, whatever TMPDIR says).
# The upstream (our proxy or the simulator) listens on the host's loopback, which this namespace
# cannot see: a node forwarder listens on 127.0.0.1:$port here and relays every connection to the
# Unix socket $sock, whose other end (UnixSocketBridge.cs) connects to the real upstream. Unix
# sockets are files, and files are shared between network namespaces.
#   - HOME: `openclaw setup` writes absolute paths (workspace, agentDir, and in 2026.9 a SQLite state) into
#     the template HOME; the run's private copy is mounted over the template's path, so those paths hold
#     and the shared template is never written to.
#
#   openclaw-sandbox.sh RUN_DIR CACHE_DIR TEMPLATE_HOME SOCK PORT -- command...
set -euo pipefail
run=$1 cache=$2 template=$3 sock=$4 port=$5
shift 5
[ "${1:-}" = -- ] && shift

ip link set lo up
mount --make-rprivate /

priv=$run/tmp
mkdir -p "$priv" "$cache/warm/jiti"
# Paths that live under the real /tmp would vanish behind the private one: show them inside it too.
for keep in "$run" "$cache"; do
  case "$keep" in /tmp/*) mkdir -p "$priv/${keep#/tmp/}"; mount --bind "$keep" "$priv/${keep#/tmp/}" ;; esac
done
# OpenClaw loads its TypeScript plugins through jiti, which caches the transpiled code in /tmp/jiti;
# a cold cache costs ~20 s per run, so every run shares the warm one kept in the cache folder.
mkdir -p "$priv/jiti"
mount --bind "$cache/warm/jiti" "$priv/jiti"
mount --rbind "$priv" /tmp
mount --bind "$run/home" "$template"

if [ "$port" != 0 ]; then
  node -e '
    const net = require("net");
    const [sock, port] = process.argv.slice(1);
    net.createServer(client => {
      const upstream = net.connect(sock);
      client.pipe(upstream);
      upstream.pipe(client);
      client.on("error", () => upstream.destroy());
      upstream.on("error", () => client.destroy());
    }).listen(Number(port), "127.0.0.1", () => process.stdout.write("ready\n"));
  ' "$sock" "$port" > "$run/forwarder.out" 2> "$run/forwarder.err" &
  forwarder=$!
  trap 'kill "$forwarder" 2> /dev/null || true' EXIT
  for _ in $(seq 200); do
    grep -q ready "$run/forwarder.out" 2> /dev/null && break
    kill -0 "$forwarder" 2> /dev/null || { echo "sandbox: forwarder died: $(cat "$run/forwarder.err")" >&2; exit 97; }
    sleep 0.025
  done
  grep -q ready "$run/forwarder.out" || { echo "sandbox: forwarder not ready after 5 s" >&2; exit 97; }
fi

set +e
"$@" < /dev/null
