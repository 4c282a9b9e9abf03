namespace OpsBot.Discord.Gateway;

/// <summary>What to do after a gateway connection ends.</summary>
public enum ReconnectAction
{
    /// <summary>Open the resume URL and send RESUME (session kept).</summary>
    Resume,

    /// <summary>Drop the session and IDENTIFY on the cached gateway URL.</summary>
    Identify,

    /// <summary>Discord refused us for good (bad token, bad intents, ...): reconnecting cannot help.</summary>
    Fatal,

    /// <summary>OpsBot is shutting down.</summary>
    Stop,
}
