namespace OpsBot.Discord;

/// <summary>Discord button styles that carry a custom id (link and premium buttons are not used).</summary>
public enum DiscordButtonStyle
{
    Primary = 1,
    Secondary = 2,
    Success = 3,
    Danger = 4,
}
