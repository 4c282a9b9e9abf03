using OpsBot.Ops;

namespace OpsBot.Alerts;

/// <summary>A maintenance window: open until ended (plus grace) or until <see cref="ExpiresAt"/>.</summary>
public sealed record MaintenancePeriod(StackService Service, string Reason, DateTimeOffset Since, DateTimeOffset ExpiresAt);
