namespace OpsBot.Alerts;

/// <summary>The answer to a /silence or /unsilence: <see cref="Message"/> is what to reply to the admin.</summary>
public sealed record SilenceResult(bool Accepted, string Message);
