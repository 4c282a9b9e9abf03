namespace OpsBot.Discord;

/// <summary>
/// Who a message may ping. Always sent: Discord's default for channel messages is to parse every mention,
/// so a log line containing @everyone would otherwise ping the whole guild.
/// </summary>
public sealed record DiscordAllowedMentions(IReadOnlyList<ulong> Roles, IReadOnlyList<ulong> Users)
{
    public static DiscordAllowedMentions None { get; } = new([], []);

    public static DiscordAllowedMentions Role(ulong roleId) => new([roleId], []);

    public static DiscordAllowedMentions User(ulong userId) => new([], [userId]);
}
