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

    /// <summary>
    /// The highest <see cref="MaxSilenceMinutes"/> may be set to (a week). Discord's <c>/silence minutes:</c> option is
    /// registered once with this as its static <c>max_value</c>; the configured limit is enforced when a silence is asked for.
    /// </summary>
    public const int SilenceMinutesCeiling = 7 * 24 * 60;

    /// <summary>Longest <c>/silence</c> an admin may ask for, in minutes (1 to <see cref="SilenceMinutesCeiling"/>).</summary>
    public int MaxSilenceMinutes { get; set; } = 24 * 60;
}
