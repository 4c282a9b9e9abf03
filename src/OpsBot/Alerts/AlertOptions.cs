namespace OpsBot.Alerts;

/// <summary>Alerting (section <c>Alerts</c>). Where alerts are posted is the Discord client's <c>Discord:AlertChannelId</c>.</summary>
public sealed class AlertOptions
{
    public const string SectionName = "Alerts";

    public NoReplyAlertOptions NoReply { get; set; } = new();

    public LoopGuardAlertOptions LoopGuard { get; set; } = new();

    public HealthAlertOptions Health { get; set; } = new();

    public GatewayLogAlertOptions GatewayLog { get; set; } = new();

    public AlertDeliveryOptions Delivery { get; set; } = new();

    /// <summary>How often time-based decisions (resolve after quiet, counts, silences ending) are made.</summary>
    public TimeSpan TickInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Longest <c>/silence</c> an admin may ask for, in minutes.</summary>
    public int MaxSilenceMinutes { get; set; } = 24 * 60;
}
