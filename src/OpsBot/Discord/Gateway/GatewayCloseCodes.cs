namespace OpsBot.Discord.Gateway;

/// <summary>Discord's gateway close codes and what each means for reconnecting.</summary>
public static class GatewayCloseCodes
{
    public const int AuthenticationFailed = 4004;

    public static ReconnectAction Classify(int? code) => code switch
    {
        4004 or 4010 or 4011 or 4012 or 4013 or 4014 => ReconnectAction.Fatal,
        4003 or 4007 or 4009 => ReconnectAction.Identify,

        // 4000-4002, 4005, 4008, a server-side 1000/1001, an abrupt drop (1006, no close frame): the session may still be alive.
        _ => ReconnectAction.Resume,
    };

    public static string Describe(int? code) => code switch
    {
        null => "connection dropped without a close frame",
        1000 or 1001 => "normal closure by the server",
        4000 => "unknown error",
        4001 => "unknown opcode",
        4002 => "decode error",
        4003 => "not authenticated",
        4004 => "authentication failed: Discord rejected the bot token (check Discord:Token; it may have been reset)",
        4005 => "already authenticated",
        4007 => "invalid sequence on resume",
        4008 => "rate limited",
        4009 => "session timed out",
        4010 => "invalid shard",
        4011 => "sharding required",
        4012 => "invalid API version",
        4013 => "invalid intents (check Discord:Intents)",
        4014 => "disallowed intents: a privileged intent is not enabled in the Developer Portal (check Discord:Intents)",
        _ => "unexpected close",
    };
}
