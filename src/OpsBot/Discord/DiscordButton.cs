namespace OpsBot.Discord;

/// <summary>An interactive button; <see cref="CustomId"/> comes back in the component interaction (max 100 chars).</summary>
public sealed record DiscordButton(string CustomId, string Label, DiscordButtonStyle Style = DiscordButtonStyle.Secondary, bool Disabled = false);
