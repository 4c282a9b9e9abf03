using OpsBot.Alerts;
using OpsBot.Cli;
using OpsBot.Components;
using OpsBot.History;
using OpsBot.Hosting;
using OpsBot.Ops;
using OpsBot.ProxyCore.Events;

namespace OpsBot.Status;

/// <summary>
/// Builds the <see cref="StatusReport"/> that /status, <c>opsbot status</c> and the admin socket all show. Services from
/// other parts of OpsBot are optional here: a missing one leaves its part of the report empty, never throws.
/// </summary>
/// <remarks>
/// Stages: the stack's state (the monitor's latest snapshot, or a probe now; the CLI swaps in the proxy as seen on its
/// port), then history (24 h availability, recent incidents, the last hour's traffic percentiles and vLLM throughput),
/// then what only the running service knows (live proxy counters, silences, maintenance, components).
/// </remarks>
public sealed class StatusSnapshotService
{
    private static readonly TimeSpan StatusTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan AvailabilityWindow = TimeSpan.FromHours(24);
    private static readonly TimeSpan TrafficWindow = TimeSpan.FromHours(1);

    private readonly IServiceProvider _services;
    private readonly TimeProvider _time;

    public StatusSnapshotService(IServiceProvider services, TimeProvider time)
    {
        _services = services;
        _time = time;
    }

    /// <param name="inService">
    /// True inside the running service. The CLI passes false: its own process has no proxy counters,
    /// silences or maintenance windows, so it shows traffic from history instead of empty live numbers.
    /// </param>
    public async Task<StatusReport> BuildAsync(bool inService, CancellationToken cancellationToken)
    {
        var (stack, stackError, serviceComponents) = await GetStackAsync(inService, cancellationToken);

        var history = _services.GetOptional<IHistoryQueryService>();
        var availability = history is null ? null : await history.GetAvailabilityAsync(AvailabilityWindow, cancellationToken);
        IReadOnlyList<IncidentRecord> incidents = history is null ? [] : await history.GetRecentIncidentsAsync(5, cancellationToken);
        var summary = _services.GetOptional<IHistorySeriesService>() is { } series ? await series.GetSummaryAsync(TrafficWindow, cancellationToken) : null;
        var live = inService ? _services.GetOptional<IProxyStatistics>()?.GetSnapshot() : null;
        var mutes = inService ? _services.GetOptional<AlertMutes>() : null;
        return new StatusReport(
            _time.GetUtcNow(),
            stack,
            stackError,
            live,
            availability,
            incidents,
            history?.GetHealth(),
            mutes?.GetActiveSilences() ?? [],
            mutes?.GetActiveMaintenance() ?? [],
            // The CLI's own process never runs the components: what the running service says counts, else what the configuration decides.
            serviceComponents ?? _services.GetOptional<ComponentStates>()?.Snapshot(),
            LastHour(live, summary),
            summary?.LatestVllm?.GenerationTokensPerSecond);
    }

    private async Task<(StackStatus? Stack, string? Error, IReadOnlyList<ComponentStatus>? Components)> GetStackAsync(bool inService, CancellationToken cancellationToken)
    {
        if (_services.GetOptional<IStatusService>(out var statusProblem) is not { } statusService)
        {
            return (null, $"the status service is unavailable: {statusProblem}", null);
        }

        try
        {
            using var timeout = new CancellationTokenSource(StatusTimeout, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            var stack = await statusService.GetStatusAsync(linked.Token);
            if (!inService && _services.GetOptional<ProxyHealthProbe>() is { } probe)
            {
                var (proxy, components) = await probe.ProbeServiceAsync(linked.Token);
                return (stack with { Services = [.. stack.Services.Select(s => s.Service == StackService.Proxy ? proxy : s)] }, null, components);
            }

            return (stack, null, null);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            return (null, ex is OperationCanceledException ? $"status did not answer within {AlertText.Duration(StatusTimeout)}" : ex.Message, null);
        }
    }

    /// <summary>Live counts when there are any (they include the minute in progress), history's otherwise; percentiles from history.</summary>
    private static ProxyTraffic? LastHour(ProxyStatisticsSnapshot? live, OperationsSummary? summary)
    {
        var traffic = summary is { Health.IsAvailable: true } ? summary.Traffic : null;
        if (live is null && traffic is null)
        {
            return null;
        }

        return new ProxyTraffic(
            live?.RequestsLastHour ?? traffic!.Requests,
            live?.ErrorsLastHour ?? traffic!.Failed,
            live?.EmptyAnswersLastHour ?? traffic!.EmptyAnswers,
            traffic?.LatencyP50,
            traffic?.LatencyP95,
            traffic?.TimeToFirstTokenP50,
            traffic?.TimeToFirstTokenP95);
    }
}
