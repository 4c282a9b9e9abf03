using OpsBot.Alerts;
using OpsBot.Cli;
using OpsBot.History;
using OpsBot.Operations;
using OpsBot.Ops;
using OpsBot.Status;

namespace OpsBot.Tests.Cli;

public sealed class PlainTextRendererTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    private static readonly IncidentRecord VllmOutage = new(1, "health:Vllm:reachable", StackService.Vllm, AlertSeverity.Critical, "vLLM reachable down", null,
        Now.AddHours(-3), Now.AddHours(-3).AddMinutes(12), 1, true, true);

    private static readonly IncidentRecord OpenNoReply = new(2, "no-reply", null, AlertSeverity.Warning, "No reply from agent", null, Now.AddMinutes(-20), null, 4, false, false);

    [Fact]
    public void Status_shows_uptime_over_24_hours_last_incidents_and_silences()
    {
        var availability = AvailabilityCalculator.Compute([VllmOutage], TimeSpan.FromHours(24), Now.AddHours(-24), Now);
        var stack = new StackStatus(Now, [new ServiceStatus(StackService.Vllm, HealthState.Healthy, "Qwen3-Coder-Next loaded", [])]);
        var report = new StatusReport(Now, stack, null, null, availability, [OpenNoReply, VllmOutage], new HistoryHealth(HistoryState.Available, "/db", null),
            [new ActiveSilence(AlertTarget.Gateway, Now, Now.AddMinutes(30), "alice")], []);

        var text = new PlainTextRenderer().RenderStatus(report);

        Assert.Contains("Uptime: up 99.2 % over 24 h (vLLM 99.2 %, proxy 100.0 %, gateway 100.0 %)", text);
        Assert.Contains("warning  No reply from agent (OPEN for 20 min, 4 times)", text);
        Assert.Contains("critical vLLM reachable down (lasted 12 min, during maintenance)", text);
        Assert.Contains("Silenced: gateway alerts until 12:30:00 UTC by alice", text);
    }

    [Fact]
    public void Uptime_over_a_history_younger_than_the_window_says_when_it_starts()
    {
        var availability = AvailabilityCalculator.Compute([], TimeSpan.FromHours(24), Now.AddHours(-2), Now);
        var report = new StatusReport(Now, null, "ssh: timeout", null, availability, [], new HistoryHealth(HistoryState.Available, "/db", null), [], []);

        var text = new PlainTextRenderer().RenderStatus(report);

        Assert.Contains("UNKNOWN", text);
        Assert.Contains("stack status unavailable: ssh: timeout", text);
        Assert.Contains("up 100.0 % over 2 h (history starts 2026-11-25 10:00 UTC)", text);
        Assert.Contains("Last incidents: none recorded", text);
    }

    [Fact]
    public void History_that_cannot_be_read_says_why_and_where()
    {
        var report = new HistoryReport(new HistoryQuery(HistoryKind.All, TimeSpan.FromHours(24)), Now.AddHours(-24), Now,
            new HistoryHealth(HistoryState.Disabled, "/state/opsbot.db", "not a SQLite database or corrupt: file is not a database"), null, [], [], [], [], null);

        var text = new PlainTextRenderer().RenderHistory(report);

        Assert.Contains("history is disabled: not a SQLite database or corrupt: file is not a database (/state/opsbot.db)", text);
    }
}
