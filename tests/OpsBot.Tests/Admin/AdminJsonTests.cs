using System.Text.Json;
using OpsBot.Admin;
using OpsBot.Alerts;
using OpsBot.Cli;
using OpsBot.History;
using OpsBot.Operations;
using OpsBot.Ops;
using OpsBot.Ops.Restarts;
using OpsBot.ProxyCore.Events;
using OpsBot.Status;

namespace OpsBot.Tests.Admin;

/// <summary>Every report crosses the admin socket as JSON: the CLI must render exactly what the service would have.</summary>
public sealed class AdminJsonTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    private static readonly IncidentRecord Outage = new(7, "health:Vllm:reachable", StackService.Vllm, AlertSeverity.Critical, "vLLM reachable down", "connection refused",
        Now.AddHours(-2), Now.AddHours(-2).AddMinutes(9), 3, true, false);

    private readonly PlainTextRenderer _renderer = new();

    private static T RoundTrip<T>(T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type) =>
        JsonSerializer.Deserialize(JsonSerializer.Serialize(value, type), type)!;

    [Fact]
    public void A_status_report_survives_the_trip_whole()
    {
        var report = new StatusReport(
            Now,
            new StackStatus(Now, [new ServiceStatus(StackService.Vllm, HealthState.Down, "API unreachable", [new("health", "/health: refused")])]),
            null,
            new ProxyStatisticsSnapshot(Now.AddHours(-5), TimeSpan.FromHours(5), 1, 1, 0, 2, Now.AddMinutes(-3), "upstream 500"),
            AvailabilityCalculator.Compute([Outage], TimeSpan.FromHours(24), Now.AddHours(-24), Now),
            [Outage],
            new HistoryHealth(HistoryState.Available, "/state/opsbot.db", null),
            [new ActiveSilence(AlertTarget.Gateway, Now, Now.AddMinutes(30), "alice"), new ActiveSilence(null, Now, Now.AddMinutes(5), "bob")],
            [new MaintenancePeriod(StackService.Vllm, "restart by alice", Now.AddMinutes(-1), Now.AddMinutes(10))]);

        var back = RoundTrip(report, AdminJson.Default.StatusReport);

        Assert.Equal(_renderer.RenderStatus(report), _renderer.RenderStatus(back));
        Assert.Contains("\"state\":\"Down\"", JsonSerializer.Serialize(report, AdminJson.Default.StatusReport));
    }

    [Fact]
    public void A_status_report_with_several_gateways_and_vllm_servers_keeps_each_targets_name()
    {
        var report = OpsBot.Tests.Status.StatusSamples.Report() with
        {
            Stack = new StackStatus(Now, OpsBot.Tests.Status.StatusSamples.Targets(2, 2, "gw-b")),
        };

        var back = RoundTrip(report, AdminJson.Default.StatusReport);

        Assert.Equal(["gpu-a", "gpu-b", null, "gw-a", "gw-b"], back.Stack!.Services.Select(s => s.Target));
        Assert.Equal(_renderer.RenderStatus(report), _renderer.RenderStatus(back));
        Assert.Contains("  gateways degraded  1/2 up · gw-b down", _renderer.RenderStatus(back).Split('\n'));
    }

    [Fact]
    public void A_history_report_and_a_smoke_report_survive_the_trip_whole()
    {
        var history = new HistoryReport(
            new HistoryQuery(HistoryKind.All, TimeSpan.FromHours(24), 5), Now.AddHours(-24), Now, new HistoryHealth(HistoryState.Available, "/s.db", null),
            AvailabilityCalculator.Compute([Outage], TimeSpan.FromHours(24), Now.AddHours(-24), Now),
            [Outage],
            [new AlertRecord("health:Vllm:reachable", AlertKind.Raised, AlertSeverity.Critical, "🚨 **vLLM down**\nmore", Now.AddHours(-2), "silence by alice")],
            [new RestartAuditEntry(StackService.Gateway, "alice", Now.AddMinutes(-5), Now.AddMinutes(-4), true, "active again", TimeSpan.FromSeconds(40))],
            [new SmokeTestRecord(SmokeTestKind.TwoPlusTwo, "cli:bob", Now.AddMinutes(-1), false, TimeSpan.FromSeconds(31), "", "No reply from agent", "gw-b")],
            new TrafficSummary(Now.AddHours(-24), Now, 120, 3, 1, 0, 5000, 900, TimeSpan.FromSeconds(2.5), TimeSpan.FromSeconds(30), 14));
        var smoke = new SmokeStreamEvent(null, new SmokeReport([new SmokeTestResult(SmokeTestKind.ListTmp, true, TimeSpan.FromSeconds(4), "a.txt b.txt")], TimeSpan.FromSeconds(4.2)));

        Assert.Equal(_renderer.RenderHistory(history), _renderer.RenderHistory(RoundTrip(history, AdminJson.Default.HistoryReport)));
        Assert.Contains("FAIL \"What is 2+2?\" on gw-b by cli:bob (31.0 s): No reply from agent", _renderer.RenderHistory(history));
        Assert.Equal(_renderer.RenderSmoke(smoke.Report!), _renderer.RenderSmoke(RoundTrip(smoke, AdminJson.Default.SmokeStreamEvent).Report!));
    }
}
