namespace OpsBot.Discord.Interactions;

/// <summary>The invoker: <c>member.user</c> in a guild, <c>user</c> in a DM.</summary>
public sealed record InteractionUser(ulong Id, string Username)
{
    public string Mention => $"<@{Id}>";
}
