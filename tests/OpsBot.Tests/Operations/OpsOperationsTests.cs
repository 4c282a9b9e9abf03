using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NSubstitute;
using NSubstitute.ExceptionExtensions;
using OpsBot.History;
using OpsBot.Operations;
using OpsBot.Ops;

namespace OpsBot.Tests.Operations;

public sealed class OpsOperationsTests
{
    private readonly ISmokeTestService _smoke = Substitute.For<ISmokeTestService>();
    private readonly ISmokeTestHistory _history = Substitute.For<ISmokeTestHistory>();

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
