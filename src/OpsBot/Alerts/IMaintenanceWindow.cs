using OpsBot.Ops;

namespace OpsBot.Alerts;

/// <summary>
/// What the restart flow calls around a restart, so the outage it causes on purpose is not alerted:
/// <c>using (maintenance.Begin(StackService.Vllm, "restart by alice")) { ... }</c>. Health alerts for that
/// service and no-reply failures are held back until the window ends plus a short grace; a problem still
/// there then is posted. Windows expire on their own (Alerts:Health:MaxMaintenance).
/// </summary>
public interface IMaintenanceWindow
{
    IDisposable Begin(StackService service, string reason);

    IReadOnlyList<MaintenancePeriod> GetActiveMaintenance();
}
