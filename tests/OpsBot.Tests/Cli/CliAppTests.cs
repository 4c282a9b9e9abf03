using OpsBot.Discord;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NSubstitute;
using NSubstitute.ExceptionExtensions;
using OpsBot.Admin;
using OpsBot.Cli;
using OpsBot.History;
using OpsBot.Operations;
using OpsBot.Ops;
using OpsBot.Ops.Configuration;
using OpsBot.Ops.Restarts;
using OpsBot.Tests.History;

namespace OpsBot.Tests.Cli;

public sealed class CliAppTests : IDisposable
{
    private const string Secret = "MTIzNDU2Nzg5.super-secret-discord-token";

    private readonly TempDirectory _dir = new();
    private readonly IStatusService _status = Substitute.For<IStatusService>();
    private readonly ILogTailService _logs = Substitute.For<ILogTailService>();
    private readonly ISmokeTestService _smoke = Substitute.For<ISmokeTestService>();
    private StubHealthHandler _proxy = new(System.Net.HttpStatusCode.OK);

    public void Dispose() => _dir.Dispose();

    private ServiceProvider Services(Dictionary<string, string?>? settings = null, Action<IServiceCollection>? configure = null, bool withOps = true)
    {
        var values = new Dictionary<string, string?>
        {
            ["History:DatabasePath"] = _dir.File("opsbot.db"),
            ["History:BusyTimeout"] = "00:00:01",
            ["Bot:Token"] = Secret,
            ["Bot:AlertChannelId"] = "42",
        };
        foreach (var (key, value) in settings ?? [])
        {
            values[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddHistory(configuration);
        services.AddOpsOperations();
        var clients = Substitute.For<IHttpClientFactory>();
        clients.CreateClient(Arg.Any<string>()).Returns(_ => new HttpClient(_proxy, disposeHandler: false));
        services.AddSingleton(clients);
        // No service listens here: every verb falls back to probing directly, as with the service stopped.
        services.AddSingleton(new AdminClient(_dir.File("admin.sock")));
        if (withOps)
        {
            services.AddSingleton(_status);
            services.AddSingleton(_logs);
            services.AddSingleton(_smoke);
        }

        configure?.Invoke(services);
        return services.BuildServiceProvider();
    }

    private static async Task<(int? Exit, string Output)> RunAsync(ServiceProvider services, params string[] args)
    {
        var (exit, output, _) = await RunWithErrorsAsync(services, args);
        return (exit, output);
    }

    /// <summary>Parses and runs like Program does; a null exit code means "this runs the service".</summary>
    private static async Task<(int? Exit, string Output, string Error)> RunWithErrorsAsync(IServiceProvider services, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var commandLine = new OpsBotCommandLine().Parse(args);
        int? exit = commandLine.RunsService ? null : await new CliApp(new CliConsole(output, error), _ => services).RunAsync(commandLine, CancellationToken.None);
        return (exit, output.ToString(), error.ToString());
    }

    /// <summary>The output with lines fitted to 80 columns joined again, for assertions on whole sentences.</summary>
    private static string Unwrapped(string output) => System.Text.RegularExpressions.Regex.Replace(output, @"\n {3,}", " ");

    private static StackStatus Stack(HealthState gateway) => new(DateTimeOffset.UtcNow,
    [
        new ServiceStatus(StackService.Vllm, HealthState.Healthy, "Qwen3-Coder-Next loaded", [new("running requests", "2")]),
        new ServiceStatus(StackService.Proxy, HealthState.Healthy, "listening on :8003", []),
        new ServiceStatus(StackService.Gateway, gateway, gateway == HealthState.Healthy ? "active" : "unit inactive", []),
    ]);

    [Theory]
    [InlineData]
    [InlineData("--port", "8003", "--vllm-url", "http://127.0.0.1:8000")]
    public async Task Service_flags_mean_run_the_service(params string[] args)
    {
        await using var services = Services();

        var (exit, output) = await RunAsync(services, args);

        Assert.Null(exit);
        Assert.Empty(output);
    }

    [Fact]
    public async Task Status_prints_every_service_and_exits_zero_only_when_healthy()
    {
        await using var services = Services();
        _status.GetStatusAsync(Arg.Any<CancellationToken>()).Returns(Stack(HealthState.Healthy), Stack(HealthState.Down));

        var (healthyExit, healthy) = await RunAsync(services, "status");
        var (downExit, down) = await RunAsync(services, "status");

        Assert.Equal(0, healthyExit);
        Assert.Contains(": HEALTHY", healthy);
        Assert.Contains("vLLM     healthy   Qwen3-Coder-Next loaded", healthy);
        Assert.Contains("running requests: 2", healthy);
        Assert.Contains("Uptime: up 100.0 %", healthy);
        Assert.Equal(1, downExit);
        Assert.Contains(": DOWN", down);
        Assert.Contains("gateway  down      unit inactive", down);
    }

    [Fact]
    public async Task Status_from_the_cli_asks_the_running_proxy_instead_of_its_own_idle_listener()
    {
        await using var services = Services(new() { ["Proxy:Host"] = "0.0.0.0", ["Proxy:Port"] = "8013" }, s => s.AddOptions<OpsBot.ProxyCore.Proxy.ProxyOptions>().BindConfiguration("Proxy"));
        _status.GetStatusAsync(Arg.Any<CancellationToken>()).Returns(Stack(HealthState.Healthy) with
        {
            Services = [.. Stack(HealthState.Healthy).Services.Select(s => s.Service == StackService.Proxy ? s with { State = HealthState.Down, Summary = "proxy listener stopped" } : s)],
        });

        var (upExit, up) = await RunAsync(services, "status");
        _proxy = new StubHealthHandler(null);
        var (downExit, down) = await RunAsync(services, "status");

        Assert.Equal(0, upExit);
        Assert.Contains("proxy    healthy   answering on 127.0.0.1:8013", up);
        Assert.DoesNotContain("listener stopped", up);
        Assert.Equal(1, downExit);
        Assert.Contains("proxy    down      nothing answers on 127.0.0.1:8013", down);
    }

    [Fact]
    public async Task Status_says_why_when_the_stack_cannot_be_asked()
    {
        await using var broken = Services();
        _status.GetStatusAsync(Arg.Any<CancellationToken>()).ThrowsAsync(new IOException("ssh: connection refused"));
        await using var missing = Services(withOps: false);

        var (brokenExit, brokenOutput) = await RunAsync(broken, "status");
        var (missingExit, missingOutput) = await RunAsync(missing, "status");

        Assert.Equal(1, brokenExit);
        Assert.Contains("stack status unavailable: ssh: connection refused", Unwrapped(brokenOutput));
        Assert.Equal(1, missingExit);
        Assert.Contains("the status service is unavailable: it is not part of this build", Unwrapped(missingOutput));
    }

    [Theory]
    [InlineData(new[] { "logs", "gateway", "-n", "20" }, StackService.Gateway, 20)]
    [InlineData(new[] { "logs", "-n20", "vllm" }, StackService.Vllm, 20)]
    [InlineData(new[] { "logs", "gateway" }, StackService.Gateway, 50)]
    [InlineData(new[] { "logs", "gateway", "--target", "beta" }, StackService.Gateway, 50, "beta")]
    [InlineData(new[] { "logs", "vllm", "-t", "gpu-b", "-n", "5" }, StackService.Vllm, 5, "gpu-b")]
    public async Task Logs_asks_for_the_service_line_count_and_target_given(string[] args, StackService service, int lines, string? target = null)
    {
        await using var services = Services();
        _logs.TailAsync(service, target, lines, Arg.Any<CancellationToken>()).Returns(new LogTail(service, lines, ["line one", "line two"]));

        var (exit, output) = await RunAsync(services, args);

        Assert.Equal(0, exit);
        Assert.Contains($"Last 2 of {lines} requested lines", output);
        Assert.EndsWith($"line one{Environment.NewLine}line two{Environment.NewLine}", output);
    }

    [Theory]
    [InlineData("logs")]
    [InlineData("logs", "database")]
    [InlineData("logs", "gateway", "-n", "0")]
    [InlineData("logs", "gateway", "-n", "many")]
    [InlineData("logs", "gateway", "--verbose")]
    [InlineData("status", "now")]
    [InlineData("smoke", "everything")]
    [InlineData("history", "--hours")]
    [InlineData("deploy")]
    public async Task Mistakes_go_to_stderr_with_a_pointer_to_help_and_exit_64(params string[] args)
    {
        await using var services = Services();

        var (exit, output, error) = await RunWithErrorsAsync(services, args);

        Assert.Equal(CliApp.ExitUsage, exit);
        Assert.Empty(output);
        Assert.StartsWith("opsbot: ", error);
        Assert.Contains("Try 'opsbot", error);
        await _logs.DidNotReceiveWithAnyArgs().TailAsync(default, default, default, default);
    }

    [Fact]
    public async Task Smoke_shows_progress_as_it_goes_records_results_and_fails_when_a_test_fails()
    {
        await using var services = Services();
        _smoke.RunAsync(Arg.Any<SmokeTestKind>(), Arg.Any<IProgress<string>?>(), Arg.Any<CancellationToken>()).Returns(call =>
        {
            var kind = call.Arg<SmokeTestKind>();
            call.Arg<IProgress<string>?>()?.Report($"asking the agent ({kind})");
            return kind == SmokeTestKind.ListTmp
                ? new SmokeTestResult(kind, false, TimeSpan.FromSeconds(31), "", "No reply from agent")
                : new SmokeTestResult(kind, true, TimeSpan.FromSeconds(3), kind == SmokeTestKind.TwoPlusTwo ? "2 + 2 = 4" : "ok");
        });

        var (exit, output) = await RunAsync(services, "smoke");

        Assert.Equal(1, exit);
        var lines = output.Split(Environment.NewLine);
        var progress = lines.Where(l => l.StartsWith('[')).Select(l => l[(l.IndexOf(']') + 2)..]).ToList();
        Assert.Equal(
        [
            "proxy direct: running…", "asking the agent (ProxyDirect)", "proxy direct: passed in 3.0 s",
            "\"What is 2+2?\": running…", "asking the agent (TwoPlusTwo)", "\"What is 2+2?\": passed in 3.0 s",
            "\"List the files in /tmp\": running…", "asking the agent (ListTmp)", "\"List the files in /tmp\": FAILED in 31.0 s",
        ], progress);
        Assert.Contains("Smoke tests: 2 of 3 passed", output);
        Assert.Contains("FAIL  \"List the files in /tmp\"", output);
        Assert.Contains("why: No reply from agent", output);
        var history = await services.GetRequiredService<IHistoryQueryService>().GetReportAsync(new HistoryQuery(HistoryKind.SmokeTests, TimeSpan.FromHours(1)), CancellationToken.None);
        Assert.Equal(3, history.SmokeTests.Count);
        Assert.All(history.SmokeTests, s => Assert.StartsWith("cli:", s.RequestedBy));
    }

    [Fact]
    public async Task Smoke_with_a_test_name_runs_only_that_test()
    {
        await using var services = Services();
        _smoke.RunAsync(SmokeTestKind.TwoPlusTwo, Arg.Any<IProgress<string>?>(), Arg.Any<CancellationToken>())
            .Returns(new SmokeTestResult(SmokeTestKind.TwoPlusTwo, true, TimeSpan.FromSeconds(2), "4"));

        var (exit, output) = await RunAsync(services, "smoke", "2+2");

        Assert.Equal(0, exit);
        Assert.Contains("Smoke tests: 1 of 1 passed", output);
        await _smoke.Received(1).RunAsync(Arg.Any<SmokeTestKind>(), Arg.Any<IProgress<string>?>(), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task Smoke_target_runs_the_agent_tests_on_that_gateway_and_the_report_names_it()
    {
        await using var services = Services(configure: s => s.AddSingleton(new OpsTargets([new GatewayOpsOptions { Name = "alpha" }, new GatewayOpsOptions { Name = "beta" }], [new VllmOpsOptions()])));
        _smoke.RunAsync(SmokeTestKind.TwoPlusTwo, "beta", Arg.Any<IProgress<string>?>(), Arg.Any<CancellationToken>())
            .Returns(new SmokeTestResult(SmokeTestKind.TwoPlusTwo, true, TimeSpan.FromSeconds(2), "4", null, "beta"));

        var (exit, output) = await RunAsync(services, "smoke", "2+2", "--target", "beta");
        var (unknownExit, unknown) = await RunAsync(services, "smoke", "-t", "gamma");

        Assert.Equal(0, exit);
        Assert.Contains("PASS  \"What is 2+2?\" on beta (2.0 s)", output);
        Assert.Contains("\"What is 2+2?\" on beta: passed in 2.0 s", output);
        Assert.Equal(1, unknownExit);
        Assert.Contains("Smoke tests not run: no gateway target 'gamma'; configured: alpha, beta", unknown);
        await _smoke.DidNotReceive().RunAsync(Arg.Any<SmokeTestKind>(), Arg.Any<IProgress<string>?>(), Arg.Any<CancellationToken>());
        await _smoke.Received(1).RunAsync(Arg.Any<SmokeTestKind>(), Arg.Any<string?>(), Arg.Any<IProgress<string>?>(), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task Check_config_lists_every_problem_without_printing_secrets_and_exits_2()
    {
        await using var services = Services(new() { ["History:RetentionDays"] = "0" }, s =>
            s.AddOptions<SampleBotOptions>().BindConfiguration("Bot")
                // A careless validator that quotes the value it rejects: check-config must still not leak it.
                .Validate(o => o.Token!.Length < 10, $"Bot:Token '{Secret}' does not look like a bot token")
                .ValidateOnStart());

        var (exit, output) = await RunAsync(services, "check-config");

        Assert.Equal(CliApp.ExitConfigProblems, exit);
        Assert.Contains("configuration has 2 problems", output);
        Assert.Contains("History:RetentionDays must be between 1 and 3650", output);
        Assert.Contains("Bot:Token '***' does not look like a bot token", output);
        Assert.DoesNotContain(Secret, output);
        Assert.DoesNotContain("super-secret", output);
    }

    [Fact]
    public async Task Check_config_says_configuration_ok_when_everything_validates()
    {
        await using var services = Services(configure: s => s.AddOptions<SampleBotOptions>().BindConfiguration("Bot").Validate(o => o.AlertChannelId != 0).ValidateOnStart());

        var (exit, output) = await RunAsync(services, "check-config");

        Assert.Equal(0, exit);
        Assert.StartsWith("configuration OK", output);
        Assert.Contains(_dir.File("opsbot.db"), output);
    }

    [Fact]
    public async Task Check_config_names_a_repeated_gateway_name_by_its_key_and_exits_2()
    {
        var gateways = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Ops:Gateways:0:Name"] = "edge", ["Ops:Gateways:0:Host"] = "gw-a.lan",
            ["Ops:Gateways:1:Name"] = "edge", ["Ops:Gateways:1:Host"] = "gw-b.lan",
        }).Build();
        await using var services = Services(configure: s => s.AddOps(gateways));

        var (exit, output) = await RunAsync(services, "check-config");

        Assert.Equal(CliApp.ExitConfigProblems, exit);
        Assert.Contains("Ops:Gateways:1:Name 'edge' is already the name of Ops:Gateways:0", Unwrapped(output));
        Assert.Contains("Ops:Gateways:1:User is required when Ops:Gateways:1:Host is set", Unwrapped(output));
    }

    [Fact]
    public async Task Check_config_says_what_is_off_and_masks_secrets_but_not_file_paths()
    {
        const string KeyPath = "/home/ops/.ssh/opsbot_gateway_ed25519";
        const string Passphrase = "correct-horse-battery";
        await using var services = Services(new() { ["Ops:Gateway:PrivateKeyPath"] = KeyPath, ["Ops:Gateway:PrivateKeyPassphrase"] = Passphrase }, s =>
        {
            // What is off comes from the components' own registrations, as in the service: nothing configures them here.
            var unconfigured = new ConfigurationBuilder().Build();
            s.AddDiscordBot(unconfigured);
            s.AddOps(unconfigured);
            s.AddOptions<SampleBotOptions>().BindConfiguration("Bot")
                .Validate(_ => false, $"Ops:Gateway:PrivateKeyPath {KeyPath} is encrypted and the passphrase '{Passphrase}' does not open it")
                .ValidateOnStart();
        });

        var (exit, output) = await RunAsync(services, "check-config");

        var text = Unwrapped(output);
        Assert.Equal(CliApp.ExitConfigProblems, exit);
        Assert.Contains($"Ops:Gateway:PrivateKeyPath {KeyPath} is encrypted and the passphrase '***' does not open it", text);
        Assert.Contains("discord: off (no Discord:Token configured): no bot or commands; alerts go to the log only", text);
        Assert.Contains("gateway-ssh: off (no Ops:Gateway:Host configured): no gateway status, logs, restarts or agent smoke tests", text);
        Assert.Contains("vllm-container: off (no Ops:Vllm:ContainerName configured): no vLLM logs or restarts", text);
        Assert.DoesNotContain(Passphrase, output);
    }

    [Fact]
    public async Task A_smoke_test_that_hangs_gets_a_heartbeat_on_the_terminal_until_it_ends()
    {
        await using var services = Services();
        var started = new TaskCompletionSource();
        var release = new TaskCompletionSource<SmokeTestResult>();
        _smoke.RunAsync(SmokeTestKind.ProxyDirect, Arg.Any<IProgress<string>?>(), Arg.Any<CancellationToken>()).Returns(_ =>
        {
            started.SetResult();
            return release.Task;
        });
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        var output = new StringWriter();
        var error = new StringWriter();
        var console = new CliConsole(output, error, errorIsTerminal: true);

        var run = new CliApp(console, _ => services, time).RunAsync(new OpsBotCommandLine().Parse(["smoke", "proxy"]), CancellationToken.None);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(30));
        for (var i = 0; i < 45; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
        }

        var whileHanging = error.ToString();
        release.SetResult(new SmokeTestResult(SmokeTestKind.ProxyDirect, false, TimeSpan.FromSeconds(45), "", "no complete answer"));
        var exit = await run.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(1, exit);
        Assert.Contains("… proxy direct (1 s)", whileHanging);
        Assert.Contains("… proxy direct (45 s)", whileHanging);
        Assert.EndsWith("\r\e[K", error.ToString());
        Assert.DoesNotContain("…  (", output.ToString());
        Assert.Contains("FAIL  proxy direct", output.ToString());
    }

    [Fact]
    public async Task Ctrl_c_ends_a_verb_quietly_with_exit_130()
    {
        await using var services = Services();
        var probing = new TaskCompletionSource();
        _status.GetStatusAsync(Arg.Any<CancellationToken>()).Returns(async call =>
        {
            probing.SetResult();
            await Task.Delay(Timeout.Infinite, call.Arg<CancellationToken>());
            return Stack(HealthState.Healthy);
        });
        using var interrupt = new CancellationTokenSource();
        var output = new StringWriter();
        var error = new StringWriter();

        var run = new CliApp(new CliConsole(output, error), _ => services).RunAsync(new OpsBotCommandLine().Parse(["status"]), interrupt.Token);
        await probing.Task.WaitAsync(TimeSpan.FromSeconds(30));
        interrupt.Cancel();

        Assert.Equal(CliApp.ExitInterrupted, await run.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.EndsWith("opsbot: interrupted\n", error.ToString());
        Assert.Equal("", output.ToString());
    }

    [Fact]
    public async Task History_prints_what_was_recorded()
    {
        await using var services = Services();
        var now = DateTimeOffset.UtcNow;
        await services.GetRequiredService<RestartAuditStore>().RecordAsync(
            new RestartAuditEntry(StackService.Gateway, "alice", now.AddMinutes(-5), now.AddMinutes(-4), true, "gateway active again", TimeSpan.FromSeconds(40)), CancellationToken.None);

        var (exit, output) = await RunAsync(services, "history", "restarts", "--hours", "48");

        Assert.True(exit == 0, output);
        Assert.Contains("Restarts:", output);
        Assert.Contains("gateway  by alice: ok in 1 min, healthy after 40 s (gateway active again)", Unwrapped(output), StringComparison.Ordinal);
        Assert.DoesNotContain("Incidents:", output);
    }

    [Fact]
    public void Only_the_service_flags_and_settings_reach_the_host_configuration()
    {
        var commandLine = new OpsBotCommandLine();

        Assert.Equal(["--port", "9000", "--vllm-url", "http://10.0.0.5:8000", "--Ops:Monitor:Enabled=false"],
            commandLine.Parse(["logs", "gateway", "--vllm-url", "http://10.0.0.5:8000", "-n", "5", "--port=9000", "--Ops:Monitor:Enabled", "false"]).HostArguments);
        Assert.Equal(["--port", "8003", "--Proxy:ToolStreaming=buffer"], commandLine.Parse(["--port", "8003", "--Proxy:ToolStreaming=buffer"]).HostArguments);
    }

    [Fact]
    public async Task The_real_host_runs_a_cli_verb_without_starting_the_service()
    {
        var commandLine = new OpsBotCommandLine().Parse(["check-config", "--vllm-url", "http://127.0.0.1:9", "--History:DatabasePath", _dir.File("real.db")]);
        using var host = CliApp.BuildHost(commandLine.HostArguments);
        var output = new StringWriter();

        var exit = await new CliApp(new CliConsole(output, new StringWriter()), _ => host.Services).RunAsync(commandLine, CancellationToken.None);

        Assert.Equal(0, exit);
        Assert.StartsWith("configuration OK", output.ToString());
        Assert.Contains($"history database: {_dir.File("real.db")}", output.ToString());
        Assert.Equal("http://127.0.0.1:9", host.Services.GetRequiredService<IOptions<OpsBot.ProxyCore.Proxy.ProxyOptions>>().Value.VllmUrl);
    }
}
