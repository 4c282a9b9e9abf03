namespace OpsBot.Discord;

/// <summary>A rich embed. <see cref="Color"/> is 0xRRGGBB.</summary>
public sealed record DiscordEmbed
{
    public string? Title { get; init; }

    public string? Description { get; init; }

    public string? Url { get; init; }

    public int? Color { get; init; }

    public IReadOnlyList<DiscordEmbedField> Fields { get; init; } = [];

    public string? FooterText { get; init; }

    public DateTimeOffset? Timestamp { get; init; }
}
