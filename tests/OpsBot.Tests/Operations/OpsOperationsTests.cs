using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NSubstitute;
using NSubstitute.ExceptionExtensions;
using OpsBot.History;
using OpsBot.Operations;
using OpsBot.Ops;
using OpsBot.Ops.Configuration;

namespace OpsBot.Tests.Operations;

public sealed class OpsOperationsTests
{
    private readonly ISmokeTestService _smoke = Substitute.For<ISmokeTestService>();
    private readonly ISmokeTestHistory _history = Substitute.For<ISmokeTestHistory>();

    private static readonly OpsTargets TwoGateways = new([new GatewayOpsOptions { Name = "alpha" }, new GatewayOpsOptions { Name = "beta" }], [new VllmOpsOptions()]);

    [Fact]
    public async Task Smoke_runs_in_order_words_progress_as_the_front_end_asks_and_records_every_result()
    {
        _smoke.RunAsync(Arg.Any<SmokeTestKind>(), Arg.Any<IProgress<string>?>(), Arg.Any<CancellationToken>()).Returns(call =>
        {
            var kind = call.Arg<SmokeTestKind>();
            call.Arg<IProgress<string>?>()!.Report($"step of {kind}");
            return new SmokeTestResult(kind, kind != SmokeTestKind.ListTmp, TimeSpan.FromSeconds(2), "ok");
        });
        using var services = Services(s => s.AddSingleton(_smoke).AddSingleton(_history));
        var lines = new List<string>();
        var wording = new SmokeProgressWording(kind => $"start {kind}", result => $"end {result.Kind} {result.Passed}");

        var report = await services.GetRequiredService<IOpsOperations>().RunSmokeAsync(SmokeTestNames.All, "bob via Discord", new SyncProgress(lines), CancellationToken.None, wording);

        Assert.False(report.Passed);
        Assert.Equal(
            ["start ProxyDirect", "step of ProxyDirect", "end ProxyDirect True", "start TwoPlusTwo", "step of TwoPlusTwo", "end TwoPlusTwo True", "start ListTmp", "step of ListTmp", "end ListTmp False"],
            lines);
        var recorded = _history.ReceivedCalls().Select(c => (SmokeTestRecord)c.GetArguments()[0]!).ToList();
        Assert.Equal([SmokeTestKind.ProxyDirect, SmokeTestKind.TwoPlusTwo, SmokeTestKind.ListTmp], recorded.Select(r => r.Kind));
        Assert.All(recorded, r => Assert.Equal("bob via Discord", r.RequestedBy));
    }

    [Fact]
    public async Task With_several_gateways_the_proxy_test_runs_once_then_the_agent_tests_on_each_gateway_in_turn()
    {
        _smoke.RunAsync(Arg.Any<SmokeTestKind>(), Arg.Any<IProgress<string>?>(), Arg.Any<CancellationToken>())
            .Returns(call => new SmokeTestResult(call.Arg<SmokeTestKind>(), true, TimeSpan.FromSeconds(1), "ok"));
        _smoke.RunAsync(Arg.Any<SmokeTestKind>(), Arg.Any<string?>(), Arg.Any<IProgress<string>?>(), Arg.Any<CancellationToken>())
            .Returns(call => new SmokeTestResult(call.Arg<SmokeTestKind>(), call.ArgAt<string>(1) == "alpha", TimeSpan.FromSeconds(2), "4", null, call.ArgAt<string>(1)));
        using var services = Services(s => s.AddSingleton(_smoke).AddSingleton(_history).AddSingleton(TwoGateways));
        var lines = new List<string>();

        var report = await services.GetRequiredService<IOpsOperations>().RunSmokeAsync(SmokeTestNames.All, "cli:alice", new SyncProgress(lines), CancellationToken.None);

        Assert.Equal(
            [(SmokeTestKind.ProxyDirect, null), (SmokeTestKind.TwoPlusTwo, "alpha"), (SmokeTestKind.ListTmp, "alpha"), (SmokeTestKind.TwoPlusTwo, "beta"), (SmokeTestKind.ListTmp, "beta")],
            report.Results.Select(r => (r.Kind, r.Gateway)));
        Assert.False(report.Passed);
        Assert.Equal(
            ["gateway alpha:", "\"What is 2+2?\" on alpha: passed in 2.0 s", "gateway beta:", "\"What is 2+2?\" on beta: FAILED in 2.0 s"],
            lines.Where(l => l.StartsWith("gateway", StringComparison.Ordinal) || l.Contains("2+2?\" on", StringComparison.Ordinal)));
        var recorded = _history.ReceivedCalls().Select(c => (SmokeTestRecord)c.GetArguments()[0]!).ToList();
        Assert.Equal([null, "alpha", "alpha", "beta", "beta"], recorded.Select(r => r.Gateway));
    }

    [Theory]
    [InlineData("BETA", "beta")]
    [InlineData(" beta ", "beta")]
    public async Task A_named_gateway_runs_the_agent_tests_there_only(string typed, string expected)
    {
        _smoke.RunAsync(Arg.Any<SmokeTestKind>(), Arg.Any<string?>(), Arg.Any<IProgress<string>?>(), Arg.Any<CancellationToken>())
            .Returns(call => new SmokeTestResult(call.Arg<SmokeTestKind>(), true, TimeSpan.FromSeconds(2), "4", null, call.ArgAt<string>(1)));
        using var services = Services(s => s.AddSingleton(_smoke).AddSingleton(TwoGateways));

        var report = await services.GetRequiredService<IOpsOperations>().RunSmokeAsync([SmokeTestKind.TwoPlusTwo], "cli", null, CancellationToken.None, gateway: typed);

        Assert.Equal(expected, Assert.Single(report.Results).Gateway);
        await _smoke.DidNotReceive().RunAsync(Arg.Any<SmokeTestKind>(), Arg.Any<IProgress<string>?>(), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task An_unknown_gateway_is_the_reports_error_naming_the_configured_ones_and_nothing_runs()
    {
        using var services = Services(s => s.AddSingleton(_smoke).AddSingleton(TwoGateways));

        var report = await services.GetRequiredService<IOpsOperations>().RunSmokeAsync(SmokeTestNames.All, "cli", null, CancellationToken.None, gateway: "gamma");

        Assert.Equal("no gateway target 'gamma'; configured: alpha, beta", report.Error);
        Assert.Empty(_smoke.ReceivedCalls());
    }

    [Fact]
    public async Task One_gateway_named_or_not_runs_untargeted_as_before()
    {
        _smoke.RunAsync(Arg.Any<SmokeTestKind>(), Arg.Any<IProgress<string>?>(), Arg.Any<CancellationToken>())
            .Returns(call => new SmokeTestResult(call.Arg<SmokeTestKind>(), true, TimeSpan.FromSeconds(1), "ok"));
        using var services = Services(s => s.AddSingleton(_smoke).AddSingleton(new OpsTargets([new GatewayOpsOptions()], [new VllmOpsOptions()])));
        var operations = services.GetRequiredService<IOpsOperations>();

        var unnamed = await operations.RunSmokeAsync(SmokeTestNames.All, "cli", null, CancellationToken.None);
        var named = await operations.RunSmokeAsync([SmokeTestKind.TwoPlusTwo], "cli", null, CancellationToken.None, gateway: "default");

        Assert.Equal(SmokeTestNames.All, unnamed.Results.Select(r => r.Kind));
        Assert.All([.. unnamed.Results, .. named.Results], r => Assert.Null(r.Gateway));
        await _smoke.DidNotReceive().RunAsync(Arg.Any<SmokeTestKind>(), Arg.Any<string?>(), Arg.Any<IProgress<string>?>(), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task A_smoke_test_that_throws_fails_with_its_message_and_the_run_goes_on()
    {
        _smoke.RunAsync(SmokeTestKind.ProxyDirect, Arg.Any<IProgress<string>?>(), Arg.Any<CancellationToken>()).ThrowsAsync(new HttpRequestException("Connection refused (127.0.0.1:8003)"));
        _smoke.RunAsync(SmokeTestKind.TwoPlusTwo, Arg.Any<IProgress<string>?>(), Arg.Any<CancellationToken>()).Returns(new SmokeTestResult(SmokeTestKind.TwoPlusTwo, true, TimeSpan.FromSeconds(1), "4"));
        using var services = Services(s => s.AddSingleton(_smoke));

        var report = await services.GetRequiredService<IOpsOperations>().RunSmokeAsync([SmokeTestKind.ProxyDirect, SmokeTestKind.TwoPlusTwo], "cli:alice", null, CancellationToken.None);

        Assert.Equal("Connection refused (127.0.0.1:8003)", report.Results[0].Failure);
        Assert.True(report.Results[1].Passed);
    }

    [Fact]
    public async Task Parts_missing_from_the_build_are_reported_not_thrown()
    {
        using var services = Services(_ => { });
        var operations = services.GetRequiredService<IOpsOperations>();

        Assert.Equal("the smoke test service is unavailable: it is not part of this build", (await operations.RunSmokeAsync(SmokeTestNames.All, "cli", null, CancellationToken.None)).Error);
        Assert.Equal("the log service is unavailable: it is not part of this build", (await operations.GetLogsAsync(StackService.Vllm, 10, null, CancellationToken.None)).Error);
        Assert.Equal("the status service is unavailable: it is not part of this build", (await operations.GetStatusAsync(inService: true, CancellationToken.None)).StackError);
        Assert.Null(await operations.GetHistoryAsync(new HistoryQuery(HistoryKind.All, TimeSpan.FromHours(1)), CancellationToken.None));
    }

    [Fact]
    public async Task Log_lines_are_clamped_to_the_one_limit_and_a_failing_tail_becomes_its_error()
    {
        var logs = Substitute.For<ILogTailService>();
        logs.TailAsync(StackService.Gateway, null, OpsLimits.MaxLogLines, Arg.Any<CancellationToken>()).ThrowsAsync(new InvalidOperationException("ssh: connection refused"));
        using var services = Services(s => s.AddSingleton(logs));

        var tail = await services.GetRequiredService<IOpsOperations>().GetLogsAsync(StackService.Gateway, OpsLimits.MaxLogLines + 100, null, CancellationToken.None);

        Assert.Equal("ssh: connection refused", tail.Error);
        Assert.Equal(OpsLimits.MaxLogLines, tail.RequestedLines);
        Assert.Empty(tail.Lines);
    }

    private static ServiceProvider Services(Action<IServiceCollection> configure)
    {
        var services = new ServiceCollection();
        services.AddOptions();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        configure(services);
        services.AddOpsOperations();
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    private sealed class SyncProgress(List<string> lines) : IProgress<string>
    {
        public void Report(string value) => lines.Add(value);
    }
}
