using System.Net;
using System.Net.Sockets;
using OpsBot.IntegrationTests.Infrastructure;
using OpsBot.Operations;
using OpsBot.Ops;
using OpsBot.Ops.Logs;
using OpsBot.Ops.Monitoring;
using OpsBot.Ops.Probes;
using OpsBot.Ops.Restarts;
using OpsBot.Status;

namespace OpsBot.IntegrationTests.Ops;

/// <summary>The gateway side against a real sshd with stand-in systemctl/journalctl/openclaw.</summary>
public sealed class GatewayOverSshTests : IClassFixture<SshServerFixture>, IAsyncLifetime
{
    private const string Unit = "openclaw-gateway.service";
    private const string DiscordToken = "MTAxMjM0NTY3ODkwMTIzNDU2Nw.GAbCdE.abcdefghijklmnopqrstuvwxyz0123456789";
    private readonly SshServerFixture _ssh;
    private readonly TcpListener _gatewayPort = new(IPAddress.Loopback, 0);

    public GatewayOverSshTests(SshServerFixture ssh)
    {
        _ssh = ssh;
        _ssh.Reset();
    }

    private int GatewayPort => ((IPEndPoint)_gatewayPort.LocalEndpoint).Port;

    public Task InitializeAsync()
    {
        _gatewayPort.Start();
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        _gatewayPort.Stop();
        return Task.CompletedTask;
    }

    private OpsServices Services(Action<Dictionary<string, string?>>? tweak = null)
    {
        var settings = OpsServices.GatewaySettings(_ssh, GatewayPort);
        tweak?.Invoke(settings);
        return new OpsServices(settings);
    }

    [Fact]
    public async Task Status_probe_runs_the_fixed_unit_commands_and_reports_healthy_with_redacted_login_line()
    {
        _ssh.SetJournal(
            "Nov 25 09:59:58 gw node[4242]: [gateway] listening on ws://127.0.0.1:18791",
            $"Nov 25 10:00:01 gw node[4242]: [discord] logged in to discord as 1012345678901234567 (OpsBot) token={DiscordToken}",
            "Nov 25 10:00:02 gw node[4242]: [agent] idle");
        await using var ops = Services();

        var status = await ops.Get<GatewayProbe>().ProbeAsync(CancellationToken.None);

        Assert.Equal(HealthState.Healthy, status.State);
        Assert.Contains("active (running)", status.Summary);
        var details = status.Details.ToDictionary(d => d.Key, d => d.Value);
        Assert.Equal("0", details["restarts"]);
        Assert.Equal("4242", details["main pid"]);
        Assert.Contains("logged in to discord as 1012345678901234567", details["discord login"]);
        Assert.DoesNotContain(DiscordToken, details["discord login"]);
        Assert.Equal(
            [
                $"systemctl [--user] [is-active] [{Unit}]",
                $"systemctl [--user] [show] [{Unit}] [--property=ActiveState,SubState,ActiveEnterTimestamp,NRestarts,MainPID]",
                $"journalctl [--user] [-u] [{Unit}] [-n] [5000] [--no-pager]",
            ],
            _ssh.Calls());
    }

    [Fact]
    public async Task Failed_unit_reports_down_with_its_state()
    {
        _ssh.SetState("active", "failed");
        await using var ops = Services();

        var status = await ops.Get<GatewayProbe>().ProbeAsync(CancellationToken.None);

        Assert.Equal(HealthState.Down, status.State);
        Assert.StartsWith("unit is failed (dead)", status.Summary);
    }

    [Fact]
    public async Task Gateway_restart_waits_until_active_and_port_open_and_is_audited()
    {
        await using var ops = Services();
        var progress = new List<string>();

        var result = await ops.Get<IRestartService>().RestartAsync(StackService.Gateway, "alice#0001", new SyncProgress(progress), CancellationToken.None);

        Assert.True(result.Succeeded, result.Message);
        Assert.NotNull(result.TimeToHealthy);
        // Two polls see "activating" (stand-in), each followed by the 250 ms poll interval.
        Assert.InRange(result.TimeToHealthy!.Value, TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(10));
        Assert.Equal(
            [
                $"systemctl [--user] [restart] [{Unit}]",
                $"systemctl [--user] [is-active] [{Unit}]",
                $"systemctl [--user] [is-active] [{Unit}]",
                $"systemctl [--user] [is-active] [{Unit}]",
            ],
            _ssh.Calls());
        Assert.Equal(1, progress.Count(p => p == "gateway: unit is activating"));
        var audit = await ops.Get<IRestartAuditLog>().GetRecentAsync(10, CancellationToken.None);
        var entry = Assert.Single(audit);
        Assert.Equal(("alice#0001", StackService.Gateway, true), (entry.RequestedBy, entry.Service, entry.Succeeded));
        Assert.Equal(result.TimeToHealthy, entry.TimeToHealthy);
    }

    [Fact]
    public async Task Of_two_gateways_on_the_sshd_a_targeted_restart_and_log_tail_touch_only_the_one_named()
    {
        var settings = TwoGatewaySettings(_ssh, GatewayPort);
        _ssh.SetJournal("Nov 25 10:00:02 gw node[4242]: [agent] idle");
        await using var ops = new OpsServices(settings);

        var result = await ops.Get<IRestartService>().RestartAsync(StackService.Gateway, "beta", "alice#0001", null, CancellationToken.None);
        var restartCalls = _ssh.Calls();
        var tail = await ops.Get<ILogTailService>().TailAsync(StackService.Gateway, "alpha", 3, CancellationToken.None);

        Assert.True(result.Succeeded, result.Message);
        Assert.StartsWith("gateway beta healthy again after", result.Message);
        Assert.Equal("systemctl [--user] [restart] [openclaw-beta.service]", restartCalls[0]);
        Assert.All(restartCalls, call => Assert.Contains("[openclaw-beta.service]", call));
        Assert.Equal(["Nov 25 10:00:02 gw node[4242]: [agent] idle"], tail.Lines);
        Assert.Equal("journalctl [--user] [-u] [openclaw-alpha.service] [-n] [3] [--no-pager]", _ssh.Calls()[^1]);
    }

    [Fact]
    public async Task Of_two_gateways_on_the_sshd_status_shows_each_with_its_own_state()
    {
        var settings = TwoGatewaySettings(_ssh, GatewayPort);
        // beta's gateway port has nothing listening: its unit is active but it is not serving.
        using var closed = new TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var closedPort = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        settings["Ops:Gateways:1:GatewayPort"] = closedPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await using var ops = new OpsServices(settings);

        var stack = await ops.Get<StatusService>().RefreshAsync(CancellationToken.None);
        var report = await new StatusReader(TimeProvider.System, ops.Get<IStatusService>()).GetReportAsync(inService: true, CancellationToken.None);
        var text = new StatusTextRenderer().Render(report).Split('\n');
        var embed = StatusEmbedRenderer.BuildEmbed(report, DateTimeOffset.UtcNow);

        var gateways = stack.Services.Where(s => s.Service == StackService.Gateway).ToList();
        Assert.Equal([("alpha", HealthState.Healthy), ("beta", HealthState.Degraded)], gateways.Select(g => (g.Target!, g.State)));
        Assert.StartsWith($"active but port {closedPort} closed", gateways[1].Summary);
        Assert.Contains("  gateways degraded  1/2 up · beta degraded", text);
        Assert.Contains(text, l => l.StartsWith("    alpha  healthy   started ", StringComparison.Ordinal));
        Assert.Contains(text, l => l.StartsWith("    beta   degraded  active but port ", StringComparison.Ordinal));
        Assert.Contains("⚠️ **gateways** · 1/2 up · beta degraded", embed.Description!.Split('\n'));
        Assert.Equal(["gateway · alpha", "gateway · beta"], embed.Fields.Select(f => f.Name).Where(n => n.StartsWith("gateway", StringComparison.Ordinal)));
        // Each gateway was asked about its own unit over SSH.
        var calls = _ssh.Calls();
        Assert.Contains("systemctl [--user] [is-active] [openclaw-alpha.service]", calls);
        Assert.Contains("systemctl [--user] [is-active] [openclaw-beta.service]", calls);
    }

    [Fact]
    public async Task Of_two_gateways_a_smoke_test_runs_the_agent_with_the_named_gateways_own_settings()
    {
        await using var ops = new OpsServices(TwoGatewaySettings(_ssh, GatewayPort));
        var smoke = ops.Get<ISmokeTestService>();

        var beta = await smoke.RunAsync(SmokeTestKind.TwoPlusTwo, "beta", null, CancellationToken.None);
        var betaCalls = _ssh.Calls();
        _ssh.Reset();
        var alpha = await smoke.RunAsync(SmokeTestKind.TwoPlusTwo, "ALPHA", null, CancellationToken.None);
        var unknown = await smoke.RunAsync(SmokeTestKind.TwoPlusTwo, "gamma", null, CancellationToken.None);

        Assert.True(beta.Passed, beta.Failure);
        Assert.Equal("beta", beta.Gateway);
        Assert.Contains("env VLLM_API_KEY=beta-key-77", betaCalls);
        Assert.DoesNotContain("env VLLM_API_KEY=vllm-secret-key-42", betaCalls);
        Assert.True(alpha.Passed, alpha.Failure);
        Assert.Equal("alpha", alpha.Gateway);
        Assert.Contains("env VLLM_API_KEY=vllm-secret-key-42", _ssh.Calls());
        Assert.False(unknown.Passed);
        Assert.Equal("no gateway target 'gamma'; configured: alpha, beta", unknown.Failure);
        Assert.DoesNotContain("beta-key-77", beta.Reply + beta.Failure);
    }

    /// <summary>
    /// The flat settings as two list entries, alpha and beta, told apart by their units and beta's agent key (both reach this sshd).
    /// </summary>
    internal static Dictionary<string, string?> TwoGatewaySettings(SshServerFixture ssh, int gatewayPort)
    {
        var settings = new Dictionary<string, string?>();
        foreach (var (key, value) in OpsServices.GatewaySettings(ssh, gatewayPort))
        {
            if (key.StartsWith("Ops:Gateway:", StringComparison.Ordinal))
            {
                settings["Ops:Gateways:0:" + key["Ops:Gateway:".Length..]] = value;
                settings["Ops:Gateways:1:" + key["Ops:Gateway:".Length..]] = value;
            }
            else
            {
                settings[key] = value;
            }
        }

        (settings["Ops:Gateways:0:Name"], settings["Ops:Gateways:0:UnitName"]) = ("alpha", "openclaw-alpha.service");
        (settings["Ops:Gateways:1:Name"], settings["Ops:Gateways:1:UnitName"]) = ("beta", "openclaw-beta.service");
        settings["Ops:Gateways:1:OpenClawEnvironment:VLLM_API_KEY"] = "beta-key-77";
        return settings;
    }

    [Fact]
    public async Task Gateway_restart_failure_reports_the_systemctl_error()
    {
        _ssh.SetState("systemctl-mode", "fail-restart");
        await using var ops = Services();

        var result = await ops.Get<IRestartService>().RestartAsync(StackService.Gateway, "bob", null, CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.Contains("exit 5", result.Message);
        Assert.Contains($"Unit {Unit} not found", result.Message);
        Assert.Null(result.TimeToHealthy);
    }

    [Fact]
    public async Task Journal_tail_sends_the_line_count_and_redacts_secrets()
    {
        _ssh.SetJournal(
            "line one",
            "env OPENCLAW_GATEWAY_TOKEN=gw-token-abcdef123456 started",
            "request Authorization: Bearer sk-live-0123456789abcdef",
            """config {"apiKey": "vllm-local-key-123", "token": "discord-xyz-98765"}""");
        await using var ops = Services();

        var tail = await ops.Get<ILogTailService>().TailAsync(StackService.Gateway, 3, CancellationToken.None);

        Assert.Null(tail.Error);
        Assert.Equal(3, tail.Lines.Count);
        var text = string.Join("\n", tail.Lines);
        foreach (var secret in new[] { "gw-token-abcdef123456", "sk-live-0123456789abcdef", "vllm-local-key-123", "discord-xyz-98765" })
        {
            Assert.DoesNotContain(secret, text);
        }

        Assert.Contains("OPENCLAW_GATEWAY_TOKEN=[REDACTED]", text);
        Assert.Equal([$"journalctl [--user] [-u] [{Unit}] [-n] [3] [--no-pager]"], _ssh.Calls());
    }

    [Fact]
    public async Task Detailed_log_reads_the_gateway_hosts_file_of_today()
    {
        var logDirectory = Path.Combine(_ssh.Directory, "openclaw-logs");
        Directory.CreateDirectory(logDirectory);
        var today = (await ProcessRunner.RunCheckedAsync("date", ["+%F"], TimeSpan.FromSeconds(5))).Trim();
        await File.WriteAllLinesAsync(Path.Combine(logDirectory, $"openclaw-{today}.log"),
            ["""{"level":"info","msg":"old"}""", """{"level":"info","msg":"gateway ready","gatewayToken":"abc123secret456"}"""]);
        await using var ops = Services(s => s["Ops:Gateway:LogDirectory"] = logDirectory);

        var tail = await ops.Get<IGatewayLogFileTail>().TailDetailedAsync(1, CancellationToken.None);

        Assert.Null(tail.Error);
        var line = Assert.Single(tail.Lines);
        Assert.Contains("gateway ready", line);
        Assert.DoesNotContain("abc123secret456", line);
    }

    [Fact]
    public async Task TwoPlusTwo_smoke_test_passes_and_sends_the_fixed_agent_command_with_its_environment()
    {
        await using var ops = Services();

        var result = await ops.Get<ISmokeTestService>().RunAsync(SmokeTestKind.TwoPlusTwo, null, CancellationToken.None);

        Assert.True(result.Passed, result.Failure);
        Assert.Contains("2 + 2 = 4", result.Reply);
        Assert.Contains("lastCallUsage.total=11", result.Reply);
        Assert.Equal(
            [
                "openclaw [agent] [--local] [--agent] [main] [-m] [What is 2+2?] [--json]",
                "env VLLM_API_KEY=vllm-secret-key-42",
            ],
            _ssh.Calls());
    }

    [Fact]
    public async Task ListTmp_smoke_test_passes_when_the_answer_names_real_tmp_entries()
    {
        await using var ops = Services();

        var result = await ops.Get<ISmokeTestService>().RunAsync(SmokeTestKind.ListTmp, null, CancellationToken.None);

        Assert.True(result.Passed, result.Failure);
        Assert.StartsWith("Files in /tmp:", result.Reply);
        Assert.Equal("openclaw [agent] [--local] [--agent] [main] [-m] [List the files in /tmp] [--json]", _ssh.Calls()[0]);
    }

    [Fact]
    public async Task Smoke_test_fails_on_empty_payloads()
    {
        _ssh.SetState("openclaw-mode", "noreply");
        await using var ops = Services();

        var result = await ops.Get<ISmokeTestService>().RunAsync(SmokeTestKind.TwoPlusTwo, null, CancellationToken.None);

        Assert.False(result.Passed);
        Assert.Equal("empty payloads (lastCallUsage.total=0)", result.Failure);
    }

    [Fact]
    public async Task Hung_agent_is_stopped_by_the_timeout_and_reported()
    {
        _ssh.SetState("openclaw-mode", "hang");
        await using var ops = Services(s => s["Ops:Gateway:SmokeTestTimeout"] = "00:00:02");

        var result = await ops.Get<ISmokeTestService>().RunAsync(SmokeTestKind.TwoPlusTwo, null, CancellationToken.None);

        Assert.False(result.Passed);
        Assert.Equal("openclaw agent timed out after 2 s on the gateway host", result.Failure);
        Assert.InRange(result.Elapsed, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(12));
    }

    private sealed class SyncProgress(List<string> sink) : IProgress<string>
    {
        public void Report(string value)
        {
            lock (sink)
            {
                sink.Add(value);
            }
        }
    }
}
