namespace OpsBot.Alerts;

/// <summary>Ordered so the worse of two severities is the maximum.</summary>
public enum AlertSeverity
{
    Info = 0,
    Warning = 1,
    Critical = 2,
}
