using OpsBot.Alerts;
using OpsBot.Discord;

namespace OpsBot.Wiring;

/// <summary>Alerts waiting for Discord, for the "Discord unreachable" summary.</summary>
public sealed class AlertBacklog(AlertOutbox outbox) : IDiscordBacklog
{
    public string Name => "alerts queued";

    public int Count => outbox.Count;
}
