using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NSubstitute;
using OpsBot.Ops;
using OpsBot.Ops.Monitoring;
using OpsBot.Ops.Probes;

namespace OpsBot.Tests.Ops;

public sealed class StatusAndMonitorTests
{
    private readonly ManualTimeProvider _time = new();

    private sealed class ScriptedProbe(StackService service) : IServiceProbe
    {
        public Queue<HealthState> States { get; } = new();

        public int Calls;

        public TaskCompletionSource<ServiceStatus>? Hang { get; set; }

        public StackService Service => service;

        public Task<ServiceStatus> ProbeAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Calls);
            if (Hang is { } hang)
            {
                return hang.Task;
            }

            var state = States.Count > 1 ? States.Dequeue() : States.Count == 1 ? States.Peek() : HealthState.Healthy;
            return Task.FromResult(new ServiceStatus(service, state, $"{service} is {state} token=abcdef123456", []));
        }
    }

    private OpsTestServices Services(ScriptedProbe probe, Dictionary<string, string?>? settings = null) =>
        new(settings ?? new() { ["Ops:Monitor:Interval"] = "00:00:30", ["Ops:Monitor:ProbeTimeout"] = "00:00:05" }, _time, s =>
        {
            // Replace the real probes: only the scripted one answers.
            s.AddSingleton<StackProber>(sp => new StackProber([probe], sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<OpsBot.Ops.Configuration.MonitorOptions>>(), _time, Microsoft.Extensions.Logging.Abstractions.NullLogger<StackProber>.Instance));
        });

    [Fact]
    public async Task Without_a_snapshot_status_probes_now_and_then_answers_from_the_snapshot()
    {
        var probe = new ScriptedProbe(StackService.Vllm);
        await using var ops = Services(probe);
        var status = ops.Get<IStatusService>();

        var first = await status.GetStatusAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(59));
        var second = await status.GetStatusAsync(CancellationToken.None);

        Assert.Equal(1, probe.Calls);
        Assert.Same(first, second);
        Assert.Equal(_time.GetUtcNow() - TimeSpan.FromSeconds(59), first.TakenAt);
    }

    [Fact]
    public async Task A_snapshot_older_than_two_intervals_is_refreshed()
    {
        var probe = new ScriptedProbe(StackService.Vllm);
        await using var ops = Services(probe);
        var status = ops.Get<IStatusService>();
        await status.GetStatusAsync(CancellationToken.None);

        _time.Advance(TimeSpan.FromSeconds(61));
        await status.GetStatusAsync(CancellationToken.None);

        Assert.Equal(2, probe.Calls);
    }

    [Fact]
    public async Task Snapshots_are_redacted_before_anyone_sees_them()
    {
        await using var ops = Services(new ScriptedProbe(StackService.Vllm));

        var status = await ops.Get<IStatusService>().GetStatusAsync(CancellationToken.None);

        Assert.Equal("Vllm is Healthy token=[REDACTED]", status.Services.Single().Summary);
    }

    [Fact]
    public async Task A_probe_that_hangs_reports_unknown_after_the_probe_timeout()
    {
        var probe = new ScriptedProbe(StackService.Gateway) { Hang = new TaskCompletionSource<ServiceStatus>() };
        await using var ops = Services(probe);

        var pending = ops.Get<IStatusService>().GetStatusAsync(CancellationToken.None);
        await WaitUntilAsync(() => _time.ActiveTimers > 0);
        _time.Advance(TimeSpan.FromSeconds(5));
        var status = await pending.WaitAsync(TimeSpan.FromSeconds(10));

        var gateway = Assert.Single(status.Services);
        Assert.Equal((HealthState.Unknown, "probe timed out after 5 s"), (gateway.State, gateway.Summary));
    }

    [Fact]
    public async Task Monitor_probes_each_interval_and_publishes_transitions_to_watchers()
    {
        var probe = new ScriptedProbe(StackService.Vllm);
        probe.States.Enqueue(HealthState.Healthy);
        probe.States.Enqueue(HealthState.Down);
        probe.States.Enqueue(HealthState.Down);
        await using var ops = Services(probe);
        var history = ops.Get<IHealthHistory>();
        using var stop = new CancellationTokenSource();
        var seen = new List<HealthTransition>();
        var transitions = history.WatchAsync(stop.Token);
        var watching = Task.Run(async () =>
        {
            await foreach (var t in transitions.WithCancellation(stop.Token))
            {
                lock (seen)
                {
                    seen.Add(t);
                }
            }
        });
        var monitor = ops.Get<StackMonitor>();

        await monitor.StartAsync(CancellationToken.None);
        await WaitUntilAsync(() => probe.Calls == 1 && _time.ActiveTimers > 0);
        _time.Advance(TimeSpan.FromSeconds(30));
        await WaitUntilAsync(() => probe.Calls == 2);
        _time.Advance(TimeSpan.FromSeconds(30));
        await WaitUntilAsync(() => probe.Calls == 3);
        await WaitUntilAsync(() => { lock (seen) { return seen.Count == 2; } });
        await monitor.StopAsync(CancellationToken.None);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => watching);

        Assert.Equal([(null, HealthState.Healthy), (HealthState.Healthy, HealthState.Down)], seen.Select(t => (t.From, t.To)));
        Assert.Equal(seen, history.Recent(10));
    }

    [Fact]
    public async Task Disabled_monitor_never_probes()
    {
        var probe = new ScriptedProbe(StackService.Vllm);
        await using var ops = Services(probe, new() { ["Ops:Monitor:Enabled"] = "false" });
        var monitor = ops.Get<StackMonitor>();

        await monitor.StartAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(5));
        await monitor.StopAsync(CancellationToken.None);

        Assert.Equal(0, probe.Calls);
    }

    private static Task WaitUntilAsync(Func<bool> condition, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(condition))] string what = "") =>
        OpsBot.TestSupport.Eventually.HoldsAsync(condition, what);
}
