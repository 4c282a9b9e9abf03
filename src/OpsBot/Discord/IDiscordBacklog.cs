namespace OpsBot.Discord;

/// <summary>Work waiting for Discord to come back (queued alerts), counted in the outage summary.</summary>
public interface IDiscordBacklog
{
    /// <summary>As printed: <c>alerts queued</c>.</summary>
    string Name { get; }

    int Count { get; }
}
