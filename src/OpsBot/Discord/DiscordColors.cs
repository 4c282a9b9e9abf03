using OpsBot.Ops;

namespace OpsBot.Discord;

/// <summary>Embed colours, chosen so a glance at the channel shows how bad things are.</summary>
public static class DiscordColors
{
    public const int Green = 0x2ECC71;
    public const int Grey = 0x95A5A6;
    public const int Orange = 0xE67E22;
    public const int Red = 0xE74C3C;
    public const int Blurple = 0x5865F2;

    public static int For(HealthState state) => state switch
    {
        HealthState.Healthy => Green,
        HealthState.Degraded => Orange,
        HealthState.Down => Red,
        _ => Grey,
    };
}
