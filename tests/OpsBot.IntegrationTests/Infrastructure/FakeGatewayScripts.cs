namespace OpsBot.IntegrationTests.Infrastructure;

/// <summary>
/// Stand-ins for systemctl, journalctl and openclaw on the fake gateway host. Each records its argv
/// (every argument in brackets, so spaces stay visible) to calls.log and answers like the real tool.
/// Behaviour is switched by files under state/.
/// </summary>
public static class FakeGatewayScripts
{
    private const string Record = """
        D="$OPSBOT_FAKE_DIR"
        echo $$ >> "$D/pids"
        # One write per call: the monitor probes several gateways at once, and pieces written apart interleave in the log.
        line=$(basename "$0"); for a in "$@"; do line="$line [$a]"; done
        printf '%s\n' "$line" >> "$D/calls.log"
        """;

    public static string Systemctl => $$"""
        #!/bin/sh
        {{Record}}
        mode=$(cat "$D/state/systemctl-mode" 2>/dev/null || echo ok)
        if [ "$mode" = hang ]; then exec sleep 25; fi
        if [ "$1" != "--user" ]; then echo "stand-in supports --user only" >&2; exit 2; fi
        state=$(cat "$D/state/active" 2>/dev/null || echo active)
        n=$(cat "$D/state/nrestarts" 2>/dev/null || echo 0)
        case "$2" in
          is-active)
            # After a restart the unit stays "activating" for a fixed number of polls, then becomes active.
            if [ "$state" = activating ]; then
              left=$(cat "$D/state/activating-polls" 2>/dev/null || echo 0)
              if [ "$left" -le 0 ]; then state=active; echo active > "$D/state/active"; else echo $((left - 1)) > "$D/state/activating-polls"; fi
            fi
            echo "$state"
            [ "$state" = active ] || exit 3 ;;
          show)
            echo "ActiveState=$state"
            if [ "$state" = active ]; then echo "SubState=running"; else echo "SubState=dead"; fi
            echo "ActiveEnterTimestamp=Wed 2026-11-25 10:00:00 UTC"
            echo "NRestarts=$n"
            echo "MainPID=4242" ;;
          restart)
            if [ "$mode" = fail-restart ]; then echo "Failed to restart $3: Unit $3 not found." >&2; exit 5; fi
            echo $((n + 1)) > "$D/state/nrestarts"
            echo activating > "$D/state/active"
            echo 2 > "$D/state/activating-polls"
            ;;
          *) echo "stand-in: unsupported $2" >&2; exit 2 ;;
        esac
        """;

    public static string Journalctl => $$"""
        #!/bin/sh
        {{Record}}
        n=10
        while [ $# -gt 0 ]; do
          case "$1" in
            -n) n="$2"; shift 2 ;;
            *) shift ;;
          esac
        done
        tail -n "$n" "$D/journal.txt"
        """;

    public static string OpenClaw => "#!/bin/sh\n" + Record + "\n" + OpenClawBody;

    private const string OpenClawBody = """
        printf 'env VLLM_API_KEY=%s\n' "${VLLM_API_KEY:-<unset>}" >> "$D/calls.log"
        mode=$(cat "$D/state/openclaw-mode" 2>/dev/null || echo ok)
        prompt=""
        while [ $# -gt 0 ]; do
          case "$1" in
            -m) prompt="$2"; shift 2 ;;
            *) shift ;;
          esac
        done
        case "$mode" in
          hang) exec sleep 25 ;;
          noreply)
            echo '[agent] embedded run start model=Qwen/Qwen3-Coder-Next-FP8'
            echo '{"payloads":[],"meta":{"durationMs":812,"agentMeta":{"sessionId":"s-1","provider":"vllm","model":"Qwen/Qwen3-Coder-Next-FP8","lastCallUsage":{"input":0,"output":0,"cacheRead":0,"cacheWrite":0,"total":0}}}}'
            exit 0 ;;
        esac
        case "$prompt" in
          "What is 2+2?") text="2 + 2 = 4" ;;
          "List the files in /tmp") text="Files in /tmp: $(ls -1A /tmp | head -n 6 | paste -sd, - | sed 's/,/, /g')" ;;
          *) text="I do not know" ;;
        esac
        echo "12:00:01 [gateway] loading config (token=tok_live_abcdefgh12345678)"
        echo "[agent] embedded run start model=Qwen/Qwen3-Coder-Next-FP8"
        printf '{"payloads":[{"text":"%s","mediaUrl":null}],"meta":{"durationMs":1530,"agentMeta":{"sessionId":"s-1","provider":"vllm","model":"Qwen/Qwen3-Coder-Next-FP8","lastCallUsage":{"input":9,"output":2,"cacheRead":0,"cacheWrite":0,"total":11}}}}\n' "$text"
        """;
}
