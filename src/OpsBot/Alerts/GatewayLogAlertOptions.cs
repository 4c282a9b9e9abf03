namespace OpsBot.Alerts;

/// <summary>How often the gateway log is read for no-reply lines, and what such a line contains.</summary>
public sealed class GatewayLogAlertOptions
{
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Case-insensitive substrings; a line containing any of them is a no-reply failure.</summary>
    public List<string> Patterns { get; set; } = ["No reply from agent"];
}
