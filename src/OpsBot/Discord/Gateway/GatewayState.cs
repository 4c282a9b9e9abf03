namespace OpsBot.Discord.Gateway;

public enum GatewayState
{
    Disconnected,
    Connecting,
    Connected,

    /// <summary>Stopped after a fatal close code or a rejected token; needs a configuration fix and a restart.</summary>
    Failed,
    Stopped,
}
