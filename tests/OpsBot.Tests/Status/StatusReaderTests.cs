using NSubstitute;
using OpsBot.History;
using OpsBot.Operations;
using OpsBot.Ops;
using OpsBot.ProxyCore.Events;
using OpsBot.Status;
using OpsBot.Tests.Charts;

namespace OpsBot.Tests.Status;

/// <summary>The one status snapshot: live counts inside the service, history's otherwise; percentiles and vLLM throughput from history.</summary>
public sealed class StatusReaderTests
{
    [Fact]
    public async Task In_the_service_counts_are_live_and_percentiles_and_throughput_come_from_the_last_hour_of_history()
    {
        await using var kit = await ChartTestKit.CreateAsync(TimeSpan.FromHours(24));
        var live = StatusSamples.Statistics(requests: 321, errors: 4, empty: 2);
        var snapshots = Build(kit, live);

        var report = await snapshots.GetReportAsync(inService: true, CancellationToken.None);

        var hour = await kit.Series.GetSummaryAsync(TimeSpan.FromHours(1), CancellationToken.None);
        Assert.True(hour.Traffic.Requests > 0 && hour.LatestVllm?.GenerationTokensPerSecond is not null, "the seeded hour has traffic and vLLM samples");
        Assert.Equal(new ProxyTraffic(321, 4, 2, hour.Traffic.LatencyP50, hour.Traffic.LatencyP95, hour.Traffic.TimeToFirstTokenP50, hour.Traffic.TimeToFirstTokenP95), report.LastHour);
        Assert.NotNull(report.LastHour!.LatencyP95);
        Assert.Equal(hour.LatestVllm!.GenerationTokensPerSecond, report.GenerationTokensPerSecond);
        Assert.Same(live, report.Proxy);
        Assert.Equal(StackService.Vllm, Assert.Single(report.Stack!.Services).Service);
    }

    [Fact]
    public async Task In_the_cli_process_counts_come_from_history_since_its_own_proxy_counters_are_idle()
    {
        await using var kit = await ChartTestKit.CreateAsync(TimeSpan.FromHours(24));
        var snapshots = Build(kit, StatusSamples.Statistics(requests: 0));

        var report = await snapshots.GetReportAsync(inService: false, CancellationToken.None);

        var hour = await kit.Series.GetSummaryAsync(TimeSpan.FromHours(1), CancellationToken.None);
        Assert.Equal((hour.Traffic.Requests, hour.Traffic.Failed, hour.Traffic.EmptyAnswers), (report.LastHour!.Requests, report.LastHour.Errors, report.LastHour.EmptyAnswers));
        Assert.Null(report.Proxy);
    }

    [Fact]
    public async Task Without_history_the_live_counts_stand_alone_and_nothing_throws()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(StatusSamples.Now);
        var reader = new StatusReader(time, Status(), proxyStatistics: Statistics(StatusSamples.Statistics(requests: 5, errors: 1)));

        var report = await reader.GetReportAsync(inService: true, CancellationToken.None);

        Assert.Equal(new ProxyTraffic(5, 1, 1), report.LastHour);
        Assert.Null(report.GenerationTokensPerSecond);
        Assert.Null(report.History);
    }

    [Fact]
    public async Task Several_vllm_backends_are_listed_in_the_service_and_one_is_not()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(StatusSamples.Now);
        static OpsBot.ProxyCore.Proxy.Backends.VllmBackends Backends(string urls, TimeProvider time) =>
            new(Microsoft.Extensions.Options.Options.Create(new OpsBot.ProxyCore.Proxy.ProxyOptions { VllmUrl = urls }), time);
        var several = new StatusReader(time, Status(), backends: Backends("http://gpu1:8000,http://u:p@gpu2:8000", time));

        var inService = await several.GetReportAsync(inService: true, CancellationToken.None);
        var fromCli = await several.GetReportAsync(inService: false, CancellationToken.None);
        var one = await new StatusReader(time, Status(), backends: Backends("http://gpu1:8000", time)).GetReportAsync(inService: true, CancellationToken.None);

        Assert.Equal(["gpu1:8000", "gpu2:8000"], inService.VllmBackends!.Select(b => b.Name));
        Assert.Equal("http://***@gpu2:8000/", inService.VllmBackends![1].Url);
        Assert.Null(fromCli.VllmBackends);
        Assert.Null(one.VllmBackends);
    }

    private static StatusReader Build(ChartTestKit kit, ProxyStatisticsSnapshot live) =>
        new(kit.Time, Status(), series: kit.Series, proxyStatistics: Statistics(live));

    private static IStatusService Status()
    {
        var status = Substitute.For<IStatusService>();
        status.GetStatusAsync(Arg.Any<CancellationToken>()).Returns(new StackStatus(StatusSamples.Now, [StatusSamples.Vllm()]));
        return status;
    }

    private static IProxyStatistics Statistics(ProxyStatisticsSnapshot snapshot)
    {
        var statistics = Substitute.For<IProxyStatistics>();
        statistics.GetSnapshot().Returns(snapshot);
        return statistics;
    }
}
