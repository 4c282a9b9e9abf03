using OpsBot.Alerts;
using OpsBot.Ops;
using OpsBot.Ops.Restarts;

namespace OpsBot.Wiring;

/// <summary>Opens an alert maintenance window for the service while it restarts, so a deliberate outage is not alerted.</summary>
public sealed class MaintenanceRestartService(RestartService inner, IMaintenanceWindow maintenance) : IRestartService
{
    private readonly RestartService _inner = inner;
    private readonly IMaintenanceWindow _maintenance = maintenance;

    public async Task<RestartResult> RestartAsync(StackService service, string? target, string requestedBy, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        using (_maintenance.Begin(service, $"restart by {requestedBy}"))
        {
            return await _inner.RestartAsync(service, target, requestedBy, progress, cancellationToken);
        }
    }
}
