namespace OpsBot.Alerts;

/// <summary>Where a no-reply failure was seen.</summary>
public enum NoReplySource
{
    /// <summary>The proxy's own completion events.</summary>
    Proxy,
    /// <summary>A <c>No reply from agent</c> line in the OpenClaw gateway log.</summary>
    GatewayLog,
}
