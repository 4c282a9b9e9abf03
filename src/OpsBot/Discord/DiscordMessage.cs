namespace OpsBot.Discord;

/// <summary>
/// A message OpsBot sends to Discord: a channel message, an interaction reply or an edit of one.
/// Text is clamped to Discord's limits when written, so callers can pass long text without a 400.
/// </summary>
public sealed record DiscordMessage
{
    public string? Content { get; init; }

    public IReadOnlyList<DiscordEmbed> Embeds { get; init; } = [];

    public IReadOnlyList<DiscordAttachment> Attachments { get; init; } = [];

    /// <summary>Buttons shown in one action row under the message (at most 5).</summary>
    public IReadOnlyList<DiscordButton> Buttons { get; init; } = [];

    /// <summary>Defaults to pinging nobody: log text or service output must never ping @everyone.</summary>
    public DiscordAllowedMentions AllowedMentions { get; init; } = DiscordAllowedMentions.None;

    /// <summary>Sends without a push notification (Discord's SUPPRESS_NOTIFICATIONS flag), for low-priority alerts.</summary>
    public bool SuppressNotifications { get; init; }

    public static DiscordMessage FromText(string content) => new() { Content = content };
}
