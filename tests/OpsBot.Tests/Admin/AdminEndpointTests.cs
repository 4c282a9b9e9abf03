using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NSubstitute;
using OpsBot.Admin;
using OpsBot.Charts;
using OpsBot.Cli;
using OpsBot.History;
using OpsBot.Operations;
using OpsBot.Ops;
using OpsBot.ProxyCore.Events;
using OpsBot.Tests.Charts;
using OpsBot.Tests.Discord;
using OpsBot.Tests.History;

namespace OpsBot.Tests.Admin;

/// <summary>
/// The admin endpoint on a real Unix socket, and the CLI asking it: what the CLI prints must be what the service
/// knows (its log, its history), not what a fresh process would find on its own.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class AdminEndpointTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private readonly LogCapture _log = new();
    private readonly ILogTailService _serviceLogs = Substitute.For<ILogTailService>();
    private readonly IStatusService _serviceStatus = Substitute.For<IStatusService>();
    private readonly ISmokeTestService _serviceSmoke = Substitute.For<ISmokeTestService>();
    private ServiceProvider _service = null!;
    private AdminEndpoint _endpoint = null!;

    private string SocketPath => Path.Combine(_dir.Path, "run", "admin.sock");

    public async Task InitializeAsync()
    {
        _service = ServiceSide(SocketPath, _dir.File("service.db"));
        _endpoint = _service.GetRequiredService<AdminEndpoint>();
        await _endpoint.StartAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _endpoint.StopAsync(CancellationToken.None);
        await _service.DisposeAsync();
        _dir.Dispose();
    }

    private ServiceProvider ServiceSide(string socketPath, string database)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["History:DatabasePath"] = database,
            ["Admin:SocketPath"] = socketPath,
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.AddProvider(_log));
        services.AddSingleton<IConfiguration>(configuration);
        services.AddCharts(configuration);
        services.AddOpsOperations();
        services.AddAdminEndpoint(configuration);
        services.AddSingleton(_serviceLogs);
        services.AddSingleton(_serviceStatus);
        services.AddSingleton(_serviceSmoke);
        return services.BuildServiceProvider();
    }

    /// <summary>A CLI process's services: same socket, but its own (empty) log and a different history file.</summary>
    private static ServiceProvider CliSide(string socketPath, string database, ILogTailService logs)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["History:DatabasePath"] = database,
            ["Admin:SocketPath"] = socketPath,
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddCharts(configuration);
        services.AddOpsOperations();
        services.AddAdmin(configuration);
        services.AddSingleton(logs);
        return services.BuildServiceProvider();
    }

    private async Task<(int Exit, string Output, string Error)> CliAsync(params string[] args)
    {
        var cliLogs = Substitute.For<ILogTailService>();
        cliLogs.TailAsync(default, default, default, default).ReturnsForAnyArgs(call => new LogTail(call.Arg<StackService>(), call.Arg<int>(), ["a line the CLI found itself"]));
        await using var cli = CliSide(SocketPath, _dir.File("cli.db"), cliLogs);
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await new CliApp(new CliConsole(output, error), _ => cli).RunAsync(new OpsBotCommandLine().Parse(args), CancellationToken.None);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public void The_socket_is_for_its_owner_only_in_a_private_directory()
    {
        Assert.Equal(SocketPath, _endpoint.SocketPath);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(SocketPath));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(SocketPath)!));
        Assert.True(_log.Contains($"Admin endpoint listening on {SocketPath}", LogLevel.Information));
    }

    [Fact]
    public async Task Logs_shows_the_service_lines_not_the_cli_process_own()
    {
        _serviceLogs.TailAsync(StackService.Proxy, null, 5, Arg.Any<CancellationToken>())
            .Returns(new LogTail(StackService.Proxy, 5, ["12:00:01 info Proxy.ChatForwarder: completion model=m", "12:00:02 info Proxy.ChatForwarder: completion model=n"]));

        var (exit, output, error) = await CliAsync("logs", "proxy", "-n", "5");

        Assert.Equal(0, exit);
        Assert.Equal("", error);
        Assert.Equal(
            "Last 2 of 5 requested lines of the proxy log:\n12:00:01 info Proxy.ChatForwarder: completion model=m\n12:00:02 info Proxy.ChatForwarder: completion model=n\n",
            output);
    }

    [Fact]
    public async Task History_reads_the_service_database_and_smoke_runs_in_the_service_with_progress()
    {
        _serviceSmoke.RunAsync(SmokeTestKind.ProxyDirect, Arg.Any<IProgress<string>?>(), Arg.Any<CancellationToken>()).Returns(call =>
        {
            call.Arg<IProgress<string>?>()?.Report("sent a streaming request");
            return new SmokeTestResult(SmokeTestKind.ProxyDirect, true, TimeSpan.FromSeconds(1.5), "ok");
        });

        var (smokeExit, smoke, smokeError) = await CliAsync("smoke", "proxy");
        var (historyExit, history, historyError) = await CliAsync("history", "smoke");

        Assert.Equal(0, smokeExit);
        Assert.Equal("", smokeError);
        var progress = smoke.Split('\n').Where(l => l.StartsWith('[')).Select(l => l[(l.IndexOf(']') + 2)..]);
        Assert.Equal(["proxy direct: running…", "sent a streaming request", "proxy direct: passed in 1.5 s"], progress);
        Assert.Contains("Smoke tests: 1 of 1 passed", smoke);
        Assert.Equal(0, historyExit);
        Assert.Equal("", historyError);
        Assert.Contains("PASS proxy direct by cli:", history);
        // The service's file has the run; the CLI's own file was never written.
        var recorded = await _service.GetRequiredService<IHistoryQueryService>().GetReportAsync(new HistoryQuery(HistoryKind.SmokeTests, TimeSpan.FromHours(1)), CancellationToken.None);
        Assert.Single(recorded.SmokeTests);
        Assert.False(File.Exists(_dir.File("cli.db")));
    }

    [Fact]
    public async Task Smoke_target_is_passed_to_the_service_which_runs_the_agent_test_on_that_gateway()
    {
        _serviceSmoke.RunAsync(SmokeTestKind.TwoPlusTwo, "beta", Arg.Any<IProgress<string>?>(), Arg.Any<CancellationToken>())
            .Returns(new SmokeTestResult(SmokeTestKind.TwoPlusTwo, true, TimeSpan.FromSeconds(2), "4", null, "beta"));

        var (exit, output, error) = await CliAsync("smoke", "2+2", "--target", "beta");

        Assert.Equal(0, exit);
        Assert.Equal("", error);
        Assert.Contains("PASS  \"What is 2+2?\" on beta (2.0 s)", output);
        await _serviceSmoke.DidNotReceive().RunAsync(Arg.Any<SmokeTestKind>(), Arg.Any<IProgress<string>?>(), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task Status_shows_the_service_monitors_and_its_live_proxy_counters()
    {
        _serviceStatus.GetStatusAsync(Arg.Any<CancellationToken>()).Returns(new StackStatus(DateTimeOffset.UtcNow,
        [
            new ServiceStatus(StackService.Vllm, HealthState.Healthy, "Qwen3-Coder-Next loaded", [new("running requests", "2")]),
            new ServiceStatus(StackService.Gateway, HealthState.Degraded, "port 18791 closed", [new("unit", "active")]),
        ]));

        var (exit, output, error) = await CliAsync("status");

        Assert.Equal(1, exit);
        Assert.Equal("", error);
        Assert.Contains(": DEGRADED\n", output);
        Assert.Contains("  vLLM     healthy   Qwen3-Coder-Next loaded\n                     running requests: 2\n", output);
        Assert.Contains("  gateway  degraded  port 18791 closed\n                     unit: active\n", output);
    }

    [Fact]
    public async Task A_stopped_service_leaves_no_socket_and_the_cli_says_so_in_one_line_then_probes_directly()
    {
        await _endpoint.StopAsync(CancellationToken.None);

        var (exit, output, error) = await CliAsync("logs", "vllm", "-n", "3");

        Assert.False(File.Exists(SocketPath));
        Assert.Equal(0, exit);
        Assert.Equal($"opsbot: service not running: probing directly (no socket at {SocketPath})", error.TrimEnd().Replace("\n  ", " "));
        Assert.Contains("a line the CLI found itself", output);
    }

    [Fact]
    public async Task Without_the_service_the_proxy_log_is_said_to_be_in_its_memory_not_shown_empty()
    {
        await _endpoint.StopAsync(CancellationToken.None);

        var (exit, output, _) = await CliAsync("logs", "proxy");

        Assert.Equal(1, exit);
        Assert.DoesNotContain("Last 0", output);
        Assert.Contains("the proxy log is kept in the running service's memory", output.Replace("\n  ", " "));
    }

    [Fact]
    public async Task A_second_service_leaves_a_live_socket_alone_and_a_stale_one_is_replaced()
    {
        await using var second = ServiceSide(SocketPath, _dir.File("second.db"));
        var intruder = second.GetRequiredService<AdminEndpoint>();

        await intruder.StartAsync(CancellationToken.None);

        Assert.Null(intruder.SocketPath);
        Assert.True(_log.Contains("another OpsBot already answers on it", LogLevel.Error));
        var (exit, _, error) = await CliAsync("history");
        Assert.Equal(0, exit);
        Assert.Equal("", error);

        // A killed service leaves its socket file behind, bound by nobody listening: the next start takes it over.
        await _endpoint.StopAsync(CancellationToken.None);
        using var stale = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        stale.Bind(new UnixDomainSocketEndPoint(SocketPath));
        Assert.True(File.Exists(SocketPath));

        await intruder.StartAsync(CancellationToken.None);

        Assert.Equal(SocketPath, intruder.SocketPath);
        var (afterExit, _, afterError) = await CliAsync("history");
        Assert.Equal(0, afterExit);
        Assert.Equal("", afterError);
        await intruder.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_socket_that_cannot_be_created_is_one_error_line_and_nothing_else()
    {
        var blocker = _dir.File("not-a-directory");
        await File.WriteAllTextAsync(blocker, "");
        await using var service = ServiceSide(Path.Combine(blocker, "admin.sock"), _dir.File("third.db"));
        var endpoint = service.GetRequiredService<AdminEndpoint>();

        await endpoint.StartAsync(CancellationToken.None);

        Assert.Null(endpoint.SocketPath);
        var error = Assert.Single(_log.Entries, e => e.Level == LogLevel.Error);
        Assert.Contains($"Admin endpoint not started at {Path.Combine(blocker, "admin.sock")}", error.Message);
        Assert.Null(error.Exception);
    }

    [Fact]
    public async Task Chart_is_drawn_by_the_service_from_its_own_history()
    {
        var rollup = new TrafficRollup();
        rollup.Add(new CompletionEvent
        {
            At = DateTimeOffset.UtcNow.AddMinutes(-10),
            Model = "m",
            Streamed = true,
            HasTools = true,
            Path = CompletionPath.Streamed,
            UpstreamStatus = 200,
            Latency = TimeSpan.FromSeconds(3),
            TimeToFirstByte = TimeSpan.FromMilliseconds(300),
            PromptTokens = 10,
            CompletionTokens = 10,
            ToolCalls = 0,
            ToolCallFormat = null,
            ContentLength = 20,
            EmptyAnswer = false,
        });
        Assert.True(await _service.GetRequiredService<TrafficStore>().AddAsync(rollup.TakeCompleted(null), CancellationToken.None));
        var path = _dir.File("chart.png");

        var (exit, output, error) = await CliAsync("chart", "--since", "1h", "-o", path, "--size", "640x480");

        Assert.Equal(0, exit);
        Assert.Equal("", error);
        // The CLI's own history is empty: a chart with data can only have come from the service.
        Assert.StartsWith($"Chart of the last hour (640x480, ", output);
        Assert.DoesNotContain("No data", output);
        using var bitmap = ChartTestKit.Decode(await File.ReadAllBytesAsync(path));
        Assert.Equal((640, 480), (bitmap.Width, bitmap.Height));
        Assert.False(File.Exists(_dir.File("cli.db")));
    }

    [Fact]
    public async Task The_chart_route_answers_a_png_and_says_in_headers_when_there_is_no_data()
    {
        using var client = new AdminClient(SocketPath);

        var answer = await client.GetChartAsync(ChartRange.Week, null, CancellationToken.None);

        var chart = Assert.IsType<ChartFile>(answer.Value);
        Assert.Equal(new ChartSize(1200, 900), chart.Size);
        Assert.Equal("No data for the last 7 days: no proxy request and no vLLM sample was recorded", chart.NoData);
        Assert.True(chart.HistoryAvailable);
    }

    [Theory]
    [InlineData("/admin/chart?since=2d", "since must be 1h, 24h or 7d (got '2d')")]
    [InlineData("/admin/chart?size=99x99", "size must be 320–4096 wide and 240–4096 high (got 99x99)")]
    public async Task The_chart_route_refuses_a_bad_range_or_size_with_the_reason(string path, string problem)
    {
        using var http = new HttpClient(new SocketsHttpHandler
        {
            ConnectCallback = async (_, ct) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(SocketPath), ct);
                return new NetworkStream(socket, ownsSocket: true);
            },
        });

        using var response = await http.GetAsync(new Uri($"http://opsbot.admin{path}"));

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(problem, System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString());
    }
}
