using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using OpsBot.Alerts;
using OpsBot.History;
using OpsBot.Ops;
using OpsBot.Ops.Monitoring;
using OpsBot.Tests.History;

namespace OpsBot.Tests.Alerts;

/// <summary>
/// One outage, one incident: OpsBot restarting in the middle of a vLLM outage (real SQLite history, a fake clock) neither
/// closes the incident nor posts a second alert; an outage that ended while OpsBot was down is resolved.
/// </summary>
public sealed class IncidentContinuityTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly FakeTimeProvider _time = TestDatabase.Time();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task An_outage_that_outlives_a_restart_continues_as_the_same_incident_without_a_second_alert()
    {
        var firstRun = await RunAsync(async run =>
        {
            await run.Tracker.OnTransitionAsync(Vllm(HealthState.Down, "GET /health: connection refused"), CancellationToken.None);
            await run.OpenNoReplyIncidentAsync();
        });
        var outage = Assert.Single(firstRun.OpenIncidents, i => i.Key.StartsWith(HealthAlertTracker.KeyPrefix, StringComparison.Ordinal));
        Assert.Equal([AlertKind.Raised], firstRun.Posted.Select(a => a.Kind));

        _time.Advance(TimeSpan.FromMinutes(5));
        var secondRun = await RunAsync(async run =>
        {
            Assert.Equal(1, await run.Tracker.RestoreAsync(CancellationToken.None));
            // The first full probe round after the restart sees the same state.
            await run.Tracker.OnTransitionAsync(Vllm(HealthState.Down, "GET /health: connection refused"), CancellationToken.None);
            _time.Advance(TimeSpan.FromMinutes(30));
            await run.Tracker.EvaluateAsync(_time.GetUtcNow(), CancellationToken.None);
        });

        Assert.Empty(secondRun.Posted);
        // The health incident continues; the no-reply one, which nothing re-evaluates, was closed at the restart as before.
        Assert.Equal([outage.Id], secondRun.OpenIncidents.Select(i => i.Id));

        var thirdRun = await RunAsync(async run =>
        {
            await run.Tracker.RestoreAsync(CancellationToken.None);
            await run.Tracker.OnTransitionAsync(Vllm(HealthState.Down, "still refused"), CancellationToken.None);
            _time.Advance(TimeSpan.FromMinutes(2));
            await run.Tracker.OnTransitionAsync(Vllm(HealthState.Healthy, "GET /health: 200"), CancellationToken.None);
        });

        var resolved = Assert.Single(thirdRun.Posted);
        Assert.Equal(AlertKind.Resolved, resolved.Kind);
        Assert.Contains("healthy again after 37 min", resolved.Text);
        Assert.Empty(thirdRun.OpenIncidents);
        var vllmIncidents = thirdRun.AllIncidents.Where(i => i.Service == StackService.Vllm).ToList();
        var only = Assert.Single(vllmIncidents);
        Assert.Equal((outage.Id, TestDatabase.Start, TestDatabase.Start.AddMinutes(37)), (only.Id, only.OpenedAt, only.ResolvedAt));
    }

    [Fact]
    public async Task An_outage_that_ended_while_opsbot_was_down_is_resolved_by_the_first_probe_round()
    {
        await RunAsync(run => run.Tracker.OnTransitionAsync(Vllm(HealthState.Down, "refused"), CancellationToken.None));
        _time.Advance(TimeSpan.FromMinutes(10));

        var restarted = await RunAsync(async run =>
        {
            await run.Tracker.RestoreAsync(CancellationToken.None);
            await run.Tracker.OnTransitionAsync(Vllm(HealthState.Healthy, "GET /health: 200"), CancellationToken.None);
        });

        Assert.Equal([AlertKind.Resolved], restarted.Posted.Select(a => a.Kind));
        Assert.Empty(restarted.OpenIncidents);
        Assert.Equal(TestDatabase.Start.AddMinutes(10), Assert.Single(restarted.AllIncidents).ResolvedAt);
    }

    [Fact]
    public async Task An_incident_whose_state_is_unknown_after_the_restart_is_closed_quietly()
    {
        await RunAsync(run => run.Tracker.OnTransitionAsync(Vllm(HealthState.Degraded, "slow"), CancellationToken.None));

        var restarted = await RunAsync(async run =>
        {
            await run.Tracker.RestoreAsync(CancellationToken.None);
            await run.Tracker.OnTransitionAsync(Vllm(HealthState.Unknown, "probe timed out"), CancellationToken.None);
        });

        Assert.Empty(restarted.Posted);
        Assert.Empty(restarted.OpenIncidents);
    }

    [Fact]
    public void A_problem_seen_at_start_needs_the_usual_confirmations_before_it_is_a_transition()
    {
        var tracker = new HealthTransitionTracker(confirmations: 2);
        StackStatus Round(int minute, HealthState vllm) => new(TestDatabase.Start.AddMinutes(minute), [new ServiceStatus(StackService.Vllm, vllm, $"vllm {vllm}", [])]);

        Assert.Empty(tracker.Observe(Round(0, HealthState.Down)));
        Assert.Null(tracker.Confirmed(StackService.Vllm));
        var second = tracker.Observe(Round(1, HealthState.Down));

        Assert.Equal([new HealthTransition(StackService.Vllm, null, HealthState.Down, "vllm Down", TestDatabase.Start.AddMinutes(1))], second);

        var recovering = new HealthTransitionTracker(confirmations: 2);
        Assert.Empty(recovering.Observe(Round(0, HealthState.Down)));
        // Healthy needs no confirmation to be where we start from.
        Assert.Equal(HealthState.Healthy, Assert.Single(recovering.Observe(Round(1, HealthState.Healthy))).To);
    }

    private HealthTransition Vllm(HealthState state, string summary) => new(StackService.Vllm, null, state, summary, _time.GetUtcNow());

    /// <summary>One OpsBot run: history opened as the host opens it (abandoned incidents closed), work done, history closed.</summary>
    private async Task<RunResult> RunAsync(Func<Run, Task> work)
    {
        var path = _dir.File("opsbot.db");
        var database = TestDatabase.Open(path, _time);
        var incidents = new IncidentStore(database);
        var initializer = new HistoryInitializer(database, incidents, Options.Create(TestDatabase.Options), _time, NullLogger<HistoryInitializer>.Instance, new OpsBot.Components.ComponentStates());
        await initializer.StartAsync(CancellationToken.None);
        await initializer.StopAsync(CancellationToken.None);

        var publisher = new CapturingPublisher();
        var options = Options.Create(new AlertOptions());
        var mutes = new AlertSuppressions(publisher, options, _time, NullLogger<AlertSuppressions>.Instance);
        var run = new Run(new HealthAlertTracker(publisher, incidents, mutes, options, NullLogger<HealthAlertTracker>.Instance), incidents, _time);
        await work(run);

        var open = await incidents.GetOpenAsync("", CancellationToken.None);
        var all = await new HistoryQueryService(database, _time).GetReportAsync(new HistoryQuery(HistoryKind.Incidents, TimeSpan.FromDays(1), 50), CancellationToken.None);
        await database.DisposeAsync();
        return new RunResult(publisher.Posted, open, all.Incidents);
    }

    private sealed record Run(HealthAlertTracker Tracker, IncidentStore Incidents, TimeProvider Time)
    {
        public Task<long?> OpenNoReplyIncidentAsync() => Incidents.OpenAsync(
            new IncidentOpening("no-reply", null, AlertSeverity.Warning, "No reply from agent", null, Time.GetUtcNow(), IsOutage: false, DuringMaintenance: false), CancellationToken.None);
    }

    private sealed record RunResult(IReadOnlyList<Alert> Posted, IReadOnlyList<IncidentRecord> OpenIncidents, IReadOnlyList<IncidentRecord> AllIncidents);
}
