namespace OpsBot.Alerts;

/// <summary>Dedup and throttle for monitor transitions, and how long a maintenance window keeps alerts quiet.</summary>
public sealed class HealthAlertOptions
{
    /// <summary>A check that raised within this interval is flapping: its next raise waits for <see cref="ConfirmAfter"/>.</summary>
    public TimeSpan ThrottleInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>While flapping, a problem is posted only once it has lasted this long; shorter blips are counted.</summary>
    public TimeSpan ConfirmAfter { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>After a maintenance window ends, monitors get this long to see the service healthy before alerts resume.</summary>
    public TimeSpan MaintenanceGrace { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>A maintenance window the restart flow forgot to end expires after this.</summary>
    public TimeSpan MaxMaintenance { get; set; } = TimeSpan.FromMinutes(15);
}
