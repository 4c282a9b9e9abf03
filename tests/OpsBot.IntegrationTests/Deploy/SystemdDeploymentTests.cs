using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using OpsBot.IntegrationTests.Deploy.Nspawn;
using Xunit.Abstractions;

namespace OpsBot.IntegrationTests.Deploy;

/// <summary>
/// OpsBot under a real systemd (252, Debian 12 in systemd-nspawn), installed by following docs/deploy.md
/// (<see cref="SystemdDeploymentFixture"/>). Each test starts from a serving unit and leaves one behind.
/// </summary>
public sealed partial class SystemdDeploymentTests(SystemdDeploymentFixture deployment, ITestOutputHelper output)
    : IClassFixture<SystemdDeploymentFixture>
{
    /// <summary>Measured 4.3 with the unit as shipped; a little headroom for systemd's own rounding between versions.</summary>
    private const double ExposureCeiling = 4.5;

    private static readonly TimeSpan KillRecoveryLimit = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan StopLimit = TimeSpan.FromSeconds(2);

    private string Home => $"/home/{SystemdDeploymentFixture.User}";

    [SystemdFact]
    public async Task Start_returns_only_after_ready_so_health_answers_at_once()
    {
        await deployment.EnsureServingAsync();

        // One try, no retry: with Type=notify, restart returns once OpsBot sent READY=1, after its listener started.
        var probe = await deployment.AsUserAsync($"systemctl --user restart opsbot.service\ncurl -s -o /dev/null -w '%{{http_code}}' --max-time 5 {SystemdDeploymentFixture.HealthUrl} || true");
        var unit = await deployment.ShowAsync("Type", "ActiveState", "ExecMainStartTimestampMonotonic", "ActiveEnterTimestampMonotonic");

        Assert.True(probe.Stdout.Trim() == "200", $"/health right after restart: {probe.Output}{Environment.NewLine}{await deployment.JournalTailAsync()}");
        Assert.Equal("notify", unit["Type"]);
        Assert.Equal("active", unit["ActiveState"]);
        var startupMs = (Microseconds(unit["ActiveEnterTimestampMonotonic"]) - Microseconds(unit["ExecMainStartTimestampMonotonic"])) / 1000.0;
        Assert.True(startupMs > 0, $"active {startupMs} ms after the process started: not waiting for READY=1");
        Report($"start until READY=1: {startupMs:F0} ms");
    }

    [SystemdFact]
    public async Task Chat_completion_through_the_proxy_reaches_vllm_in_the_container()
    {
        await deployment.EnsureServingAsync();

        var plain = await ChatAsync(stream: false);
        var streamed = await ChatAsync(stream: true);

        Assert.Equal(SystemdDeploymentFixture.Answer, (string?)JsonNode.Parse(plain)!["choices"]![0]!["message"]!["content"]);
        var events = streamed.Split('\n').Where(l => l.StartsWith("data: ", StringComparison.Ordinal)).Select(l => l[6..].Trim()).ToList();
        Assert.Equal("[DONE]", events[^1]);
        var text = string.Concat(events.SkipLast(1).Select(e => (string?)JsonNode.Parse(e)!["choices"]?.AsArray().FirstOrDefault()?["delta"]?["content"]));
        Assert.Equal(SystemdDeploymentFixture.Answer, text);
    }

    [SystemdFact]
    public async Task Killed_main_process_is_serving_again_within_10_seconds()
    {
        await deployment.EnsureServingAsync();
        var before = await deployment.ShowAsync("MainPID", "NRestarts");

        var result = await deployment.AsUserAsync("""
            pid=$(systemctl --user show -p MainPID --value opsbot.service)
            start=$(date +%s%N)
            kill -9 "$pid"
            until [ "$(systemctl --user show -p MainPID --value opsbot.service)" != "$pid" ] \
                  && curl -sf -o /dev/null --max-time 2 http://127.0.0.1:8003/health; do
              [ $(( ($(date +%s%N) - start) / 1000000 )) -lt 60000 ] || { echo "not serving again within 60 s"; exit 1; }
              sleep 0.1
            done
            echo $(( ($(date +%s%N) - start) / 1000000 ))
            """);
        var after = await deployment.ShowAsync("MainPID", "NRestarts", "ActiveState");

        Assert.True(result.Succeeded, result.Output + Environment.NewLine + await deployment.JournalTailAsync());
        var back = TimeSpan.FromMilliseconds(double.Parse(result.Stdout.Trim().Split('\n')[^1], CultureInfo.InvariantCulture));
        Report($"kill -9 until /health 200: {back.TotalSeconds:F1} s");
        Assert.True(back <= KillRecoveryLimit, $"serving again after {back.TotalSeconds:F1} s");
        Assert.NotEqual(before["MainPID"], after["MainPID"]);
        Assert.Equal(int.Parse(before["NRestarts"], CultureInfo.InvariantCulture) + 1, int.Parse(after["NRestarts"], CultureInfo.InvariantCulture));
        Assert.Equal("active", after["ActiveState"]);
    }

    [SystemdFact]
    public async Task Stop_is_clean_and_takes_under_2_seconds()
    {
        await deployment.EnsureServingAsync();
        try
        {
            var stop = await deployment.AsUserAsync("""
                cursor=$(journalctl --user -u opsbot.service -n 1 --show-cursor --no-pager | sed -n 's/^-- cursor: //p')
                start=$(date +%s%N)
                systemctl --user stop opsbot.service
                echo "elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))"
                echo "cursor=$cursor"
                systemctl --user show opsbot.service -p Result -p ExecMainCode -p ExecMainStatus -p ActiveState
                """);
            Assert.True(stop.Succeeded, stop.Output);
            var values = stop.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('=', 2)).ToDictionary(kv => kv[0], kv => kv[1]);
            var elapsed = TimeSpan.FromMilliseconds(double.Parse(values["elapsed_ms"], CultureInfo.InvariantCulture));
            Report($"systemctl --user stop: {elapsed.TotalSeconds:F2} s");

            // The user manager logs "Stopped" once the unit is down; wait (bounded) for journald to have it.
            var journal = await deployment.AsUserAsync($"""
                for _ in $(seq 100); do
                  out=$(journalctl --user -u opsbot.service --after-cursor='{values["cursor"]}' --no-pager -o cat)
                  case "$out" in *"Stopped opsbot.service"*) printf '%s\n' "$out"; exit 0;; esac
                  sleep 0.1
                done
                printf '%s\n' "$out"; exit 1
                """);

            Assert.True(elapsed < StopLimit, $"stop took {elapsed.TotalSeconds:F2} s");
            Assert.Equal("success", values["Result"]);
            Assert.Equal("1", values["ExecMainCode"]); // CLD_EXITED: it exited by itself, no signal ended it
            Assert.Equal("0", values["ExecMainStatus"]);
            Assert.Equal("inactive", values["ActiveState"]);
            Assert.True(journal.Succeeded, "no 'Stopped' line in the journal: " + journal.Output);
            Assert.DoesNotMatch("SIGKILL|Killing process|timed out", journal.Stdout);
        }
        finally
        {
            await deployment.EnsureServingAsync();
        }
    }

    [SystemdFact]
    public async Task Journal_holds_the_start_line_at_info_priority()
    {
        await deployment.EnsureServingAsync();

        var info = await deployment.AsUserAsync("journalctl --user -u opsbot.service -t opsbot -p 6..6 --no-pager -o cat");
        var higher = await deployment.AsUserAsync("journalctl --user -u opsbot.service -t opsbot -p 0..5 --no-pager -o cat");

        Assert.Contains("Proxy listening on http://", info.EnsureSuccess("journalctl -p info").Stdout);
        Assert.DoesNotContain("Proxy listening on", higher.EnsureSuccess("journalctl -p 0..5").Stdout);
        // The priority prefix went to journald, not into the text.
        Assert.DoesNotContain("<6>", info.Stdout);
    }

    [SystemdFact]
    public async Task History_database_is_private_at_the_documented_path()
    {
        await deployment.EnsureServingAsync();
        var database = $"{Home}/.local/state/opsbot/opsbot.db";

        var modes = await deployment.AsUserAsync($"""
            for _ in $(seq 100); do [ -f {database} ] && break; sleep 0.1; done
            stat -c '%a %U %n' {Path.GetDirectoryName(database)} {database}
            """);

        Assert.Equal([$"700 ops {Path.GetDirectoryName(database)}", $"600 ops {database}"], modes.EnsureSuccess("stat").Stdout.Trim().Split('\n'));
        // check-config (the CLI, without the unit's environment) resolved the same file.
        Assert.Contains("configuration OK", deployment.CheckConfigOutput);
        Assert.Contains(database, deployment.CheckConfigOutput);
    }

    [SystemdFact]
    public async Task Sandbox_is_in_effect_for_the_running_service()
    {
        await deployment.EnsureServingAsync();
        var uid = deployment.UserId;

        var view = await deployment.AsRootAsync($$"""
            pid=$(runuser -u {{SystemdDeploymentFixture.User}} -- env XDG_RUNTIME_DIR=/run/user/{{uid}} systemctl --user show -p MainPID --value opsbot.service)
            grep -E '^(NoNewPrivs|Seccomp):' /proc/$pid/status
            awk '{ print $5, $6 }' /proc/$pid/mountinfo
            """);
        var lines = view.EnsureSuccess("reading the service's /proc").Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string Options(string mountPoint) => lines.LastOrDefault(l => l.StartsWith(mountPoint + " ", StringComparison.Ordinal))?.Split(' ')[1] ?? "(not mounted)";

        Assert.Contains(lines, l => Regex.IsMatch(l, @"^NoNewPrivs:\s+1$"));
        Assert.Contains(lines, l => Regex.IsMatch(l, @"^Seccomp:\s+2$"));
        Assert.StartsWith("ro,", Options("/") + ",");
        Assert.StartsWith("rw,", Options($"{Home}/.local/state/opsbot") + ",");
        Assert.StartsWith("ro,", Options($"/run/user/{uid}") + ",");
        Assert.StartsWith("rw,", Options($"/run/user/{uid}/opsbot") + ",");
        Assert.StartsWith("rw,", Options("/tmp") + ",");
    }

    [SystemdFact]
    public async Task Security_exposure_is_recorded_and_stays_under_the_measured_ceiling()
    {
        await deployment.EnsureServingAsync();

        var analysis = (await deployment.AsUserAsync("systemd-analyze security --user opsbot.service --no-pager")).Output;

        output.WriteLine(analysis);
        var overall = OverallExposure().Match(analysis);
        Assert.True(overall.Success, analysis);
        var score = double.Parse(overall.Groups["score"].Value, CultureInfo.InvariantCulture);
        Report($"systemd-analyze security --user opsbot: {score.ToString("F1", CultureInfo.InvariantCulture)} {overall.Groups["verdict"].Value} (ceiling {ExposureCeiling.ToString("F1", CultureInfo.InvariantCulture)})");
        Assert.True(score <= ExposureCeiling, $"exposure {score} > {ExposureCeiling}:{Environment.NewLine}{analysis}");
    }

    [SystemdFact]
    public async Task Upgrade_and_rollback_switch_the_running_binary()
    {
        await deployment.EnsureServingAsync();
        var next = new Dictionary<string, string> { ["version"] = SystemdDeploymentFixture.NextVersion };
        try
        {
            // The guide's copy step for the new version, then its upgrade block.
            await deployment.CopyBuildAsync(SystemdDeploymentFixture.NextVersion);
            (await deployment.AsUserAsync(deployment.Guide.Block("upgrade"), next)).EnsureSuccess("the upgrade block");
            Assert.Equal($"{Home}/.local/opt/opsbot-{SystemdDeploymentFixture.NextVersion}/opsbot", await RunningExecutableAsync());

            var rollback = new Dictionary<string, string> { ["previous"] = SystemdDeploymentFixture.Version };
            (await deployment.AsUserAsync(deployment.Guide.Block("rollback"), rollback)).EnsureSuccess("the rollback block");
            Assert.Equal($"{Home}/.local/opt/opsbot-{SystemdDeploymentFixture.Version}/opsbot", await RunningExecutableAsync());
            var onPath = await deployment.AsUserAsync("readlink -f \"$(command -v opsbot)\"");
            Assert.Equal($"{Home}/.local/opt/opsbot-{SystemdDeploymentFixture.Version}/opsbot", onPath.EnsureSuccess("command -v opsbot").Stdout.Trim());
        }
        finally
        {
            await deployment.AsUserAsync($"ln -sfn opsbot-{SystemdDeploymentFixture.Version} ~/.local/opt/opsbot\nrm -rf ~/.local/opt/opsbot-{SystemdDeploymentFixture.NextVersion}");
            await deployment.EnsureServingAsync();
        }
    }

    [SystemdFact]
    public async Task After_a_reboot_linger_starts_opsbot_without_anyone_logging_in()
    {
        await deployment.EnsureServingAsync();
        var user = SystemdDeploymentFixture.User;

        await deployment.RebootAsync();
        // Nothing starts the user's manager now but logind, for a user with linger (the guide's enable step).
        var booted = await deployment.AsRootAsync($$"""
            {{SystemdDeploymentFixture.WaitHealthFunction}}
            wait_health 90
            echo "linger: $(loginctl show-user {{user}} -p Linger --value)"
            echo "sessions: $(loginctl list-sessions --no-legend | wc -l)"
            echo "user manager: $(systemctl is-active "user@$(id -u {{user}}).service")"
            """, TimeSpan.FromMinutes(2));

        Assert.True(booted.Succeeded, booted.Output + Environment.NewLine + deployment.Container.Console);
        Assert.Contains("linger: yes", booted.Stdout);
        Assert.Contains("sessions: 0", booted.Stdout);
        Assert.Contains("user manager: active", booted.Stdout);
    }

    /// <summary>
    /// The fail-safe host (issue 12): a broken optional section disables that component only. Without it, OpsBot exits 2
    /// and this test fails, as it should.
    /// </summary>
    [SystemdFact]
    public async Task Discord_section_without_guild_id_leaves_the_proxy_serving()
    {
        await deployment.EnsureServingAsync();
        try
        {
            (await deployment.AsUserAsync("""
                cp ~/.config/opsbot/opsbot.env ~/opsbot.env.good
                grep -v '^Discord__GuildId=' ~/opsbot.env.good > ~/.config/opsbot/opsbot.env
                grep -q '^Discord__Token=' ~/.config/opsbot/opsbot.env
                """)).EnsureSuccess("removing Discord__GuildId");

            var restart = await deployment.AsUserAsync($"systemctl --user restart opsbot.service && curl -s -o /dev/null -w '%{{http_code}}' --max-time 5 {SystemdDeploymentFixture.HealthUrl}");
            Assert.True(restart.Succeeded && restart.Stdout.Trim() == "200",
                $"restart with a broken Discord section: exit {restart.ExitCode}, {restart.Output}{Environment.NewLine}{await deployment.JournalTailAsync()}");
            var servedBy = (await deployment.ShowAsync("MainPID"))["MainPID"];

            Assert.Equal(SystemdDeploymentFixture.Answer, (string?)JsonNode.Parse(await ChatAsync(stream: false))!["choices"]![0]!["message"]!["content"]);
            var after = await deployment.ShowAsync("MainPID", "ActiveState");
            Assert.Equal(servedBy, after["MainPID"]);
            Assert.Equal("active", after["ActiveState"]);
        }
        finally
        {
            (await deployment.AsUserAsync("install -m 600 ~/opsbot.env.good ~/.config/opsbot/opsbot.env\nsystemctl --user stop opsbot.service")).EnsureSuccess("restoring the settings");
            await deployment.EnsureServingAsync();
        }
    }

    private async Task<string> ChatAsync(bool stream)
    {
        var body = new JsonObject
        {
            ["model"] = SystemdDeploymentFixture.Model,
            ["stream"] = stream,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "Are you deployed?" }),
        }.ToJsonString();
        var result = await deployment.AsUserAsync(
            $"curl -sS --fail-with-body --max-time 30 -H 'Content-Type: application/json' -d '{body}' http://127.0.0.1:8003/v1/chat/completions");
        return result.EnsureSuccess($"chat completion (stream={stream})").Stdout;
    }

    private async Task<string> RunningExecutableAsync()
    {
        var pid = (await deployment.ShowAsync("MainPID"))["MainPID"];
        return (await deployment.AsRootAsync($"readlink /proc/{pid}/exe")).EnsureSuccess("readlink").Stdout.Trim();
    }

    private void Report(string line)
    {
        output.WriteLine(line);
        deployment.Record(line);
    }

    private static long Microseconds(string value) => long.Parse(value, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"Overall exposure level for opsbot\.service: (?<score>\d+\.\d+) (?<verdict>\w+)")]
    private static partial Regex OverallExposure();
}
