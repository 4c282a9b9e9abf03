using OpsBot.Alerts;
using OpsBot.Components;
using OpsBot.History;
using OpsBot.Ops;
using OpsBot.ProxyCore.Events;
using OpsBot.ProxyCore.Proxy.Backends;
using OpsBot.Status;

namespace OpsBot.Operations;

/// <summary>
/// Builds the <see cref="StatusReport"/> that /status, <c>opsbot status</c> and the admin socket all show. A null
/// collaborator is a part this build does not have; the report leaves its part empty instead of throwing.
/// </summary>
/// <remarks>
/// Stages: the stack's state (the monitor's latest snapshot, or a probe now; the CLI swaps in the proxy as seen on its
/// port), then history (24 h availability, recent incidents, the last hour's traffic percentiles and vLLM throughput),
/// then what only the running service knows (live proxy counters, silences, maintenance, components).
/// </remarks>
internal sealed class StatusReader(
    TimeProvider time,
    IStatusService? status = null,
    ProxyHealthProbe? proxyProbe = null,
    IHistoryQueryService? history = null,
    IHistorySeriesService? series = null,
    IProxyStatistics? proxyStatistics = null,
    AlertSuppressions? suppressions = null,
    ComponentStates? components = null,
    VllmBackends? backends = null)
{
    private static readonly TimeSpan StatusTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan AvailabilityWindow = TimeSpan.FromHours(24);
    private static readonly TimeSpan TrafficWindow = TimeSpan.FromHours(1);

    /// <param name="inService">
    /// True inside the running service. The CLI passes false: its own process has no proxy counters,
    /// silences or maintenance windows, so it shows traffic from history instead of empty live numbers.
    /// </param>
    public async Task<StatusReport> GetReportAsync(bool inService, CancellationToken cancellationToken)
    {
        var (stack, stackError, serviceComponents) = await ReadStackAsync(inService, cancellationToken);

        var availability = history is null ? null : await history.GetAvailabilityAsync(AvailabilityWindow, cancellationToken);
        IReadOnlyList<IncidentRecord> incidents = history is null ? [] : await history.GetRecentIncidentsAsync(5, cancellationToken);
        var summary = series is null ? null : await series.GetSummaryAsync(TrafficWindow, cancellationToken);
        var live = inService ? proxyStatistics?.GetSnapshot() : null;
        var mutes = inService ? suppressions : null;
        return new StatusReport(
            time.GetUtcNow(),
            stack,
            stackError,
            live,
            availability,
            incidents,
            history?.GetHealth(),
            mutes?.GetActiveSilences() ?? [],
            mutes?.GetActiveMaintenance() ?? [],
            // The CLI's own process never runs the components: what the running service says counts, else what the configuration decides.
            serviceComponents ?? components?.Snapshot(),
            LastHour(live, summary),
            summary?.LatestVllm?.GenerationTokensPerSecond,
            inService && backends is { IsMultiple: true } ? backends.Snapshot() : null);
    }

    private async Task<(StackStatus? Stack, string? Error, IReadOnlyList<ComponentStatus>? Components)> ReadStackAsync(bool inService, CancellationToken cancellationToken)
    {
        if (status is null)
        {
            return (null, $"the status service is unavailable: {OpsOperations.NotInBuild}", null);
        }

        try
        {
            using var timeout = new CancellationTokenSource(StatusTimeout, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            var stack = await status.GetStatusAsync(linked.Token);
            if (!inService && proxyProbe is not null)
            {
                var (proxy, probed) = await proxyProbe.ProbeServiceAsync(linked.Token);
                return (stack with { Services = [.. stack.Services.Select(s => s.Service == StackService.Proxy ? proxy : s)] }, null, probed);
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
