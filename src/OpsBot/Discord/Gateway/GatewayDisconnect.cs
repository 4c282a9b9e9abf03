namespace OpsBot.Discord.Gateway;

/// <summary>
/// Why a connection ended and what comes next. <see cref="Established"/> is true when the connection got READY or RESUMED,
/// which resets the reconnect backoff.
/// </summary>
public sealed record GatewayDisconnect(ReconnectAction Action, string Reason, int? CloseCode = null, TimeSpan? Delay = null, bool Established = false);
