using System.Text;

namespace OpsBot.Discord.Interactions;

/// <summary>
/// An incoming interaction. <see cref="Token"/> is a secret (it lets anyone answer as the bot for 15 minutes), so the
/// record's printed form leaves it out.
/// </summary>
public sealed record Interaction(
    ulong Id,
    ulong ApplicationId,
    InteractionType Type,
    string Token,
    ulong? GuildId,
    ulong? ChannelId,
    InteractionUser User,
    IReadOnlyList<ulong> MemberRoles,
    InteractionData Data,
    ulong? MessageId = null)
{
    public bool IsComponent => Type == InteractionType.MessageComponent;

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append($"Id = {Id}, Type = {Type}, GuildId = {GuildId}, ChannelId = {ChannelId}, User = {User.Id}, Command = {Data.Name}, CustomId = {Data.CustomId}");
        return true;
    }
}
