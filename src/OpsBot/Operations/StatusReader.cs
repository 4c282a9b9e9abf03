using OpsBot.Alerts;
using OpsBot.Components;
using OpsBot.History;
using OpsBot.Ops;
using OpsBot.ProxyCore.Events;

namespace OpsBot.Operations;

/// <summary>
/// Gathers what a status shows: the stack's health, proxy traffic, availability, recent incidents, silences and
/// OpsBot's own parts. A null collaborator is a part this build does not have; the report says so instead of throwing.
/// </summary>
internal sealed class StatusReader(
    TimeProvider time,
    IStatusService? status = null,
    ProxyHealthProbe? proxyProbe = null,
    IHistoryQueryService? history = null,
    IProxyStatistics? proxyStatistics = null,
    AlertSuppressions? suppressions = null,
    ComponentStates? components = null)
{
    private static readonly TimeSpan StatusTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan AvailabilityWindow = TimeSpan.FromHours(24);

    public IReadOnlyList<ComponentStatus>? GetComponents() => components?.Snapshot();

    public async Task<StackStatus> GetStackAsync(CancellationToken cancellationToken) =>
        status is null
            ? throw new InvalidOperationException($"the status service is unavailable: {OpsOperations.NotInBuild}")
            : await status.GetStatusAsync(cancellationToken);

    public async Task<StatusReport> GetReportAsync(bool inService, CancellationToken cancellationToken)
    {
        StackStatus? stack = null;
        string? stackError = null;
        IReadOnlyList<ComponentStatus>? serviceComponents = null;
        if (status is not null)
        {
            try
            {
                using var timeout = new CancellationTokenSource(StatusTimeout, time);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
                stack = await status.GetStatusAsync(linked.Token);
                if (!inService && proxyProbe is not null)
                {
                    (var proxy, serviceComponents) = await proxyProbe.ProbeServiceAsync(linked.Token);
                    stack = stack with { Services = [.. stack.Services.Select(s => s.Service == StackService.Proxy ? proxy : s)] };
                }
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                stackError = ex is OperationCanceledException ? $"status did not answer within {AlertText.Duration(StatusTimeout)}" : ex.Message;
            }
        }
        else
        {
            stackError = $"the status service is unavailable: {OpsOperations.NotInBuild}";
        }

        var availability = history is null ? null : await history.GetAvailabilityAsync(AvailabilityWindow, cancellationToken);
        IReadOnlyList<IncidentRecord> incidents = history is null ? [] : await history.GetRecentIncidentsAsync(5, cancellationToken);
        return new StatusReport(
            time.GetUtcNow(),
            stack,
            stackError,
            inService ? proxyStatistics?.GetSnapshot() : null,
            availability,
            incidents,
            history?.GetHealth(),
            inService && suppressions is not null ? suppressions.GetActiveSilences() : [],
            inService && suppressions is not null ? suppressions.GetActiveMaintenance() : [],
            // The CLI's own process never runs the components: what the running service says counts, else what the configuration decides.
            serviceComponents ?? components?.Snapshot());
    }
}
