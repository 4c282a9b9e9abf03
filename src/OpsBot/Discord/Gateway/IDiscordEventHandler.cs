using System.Text.Json;

namespace OpsBot.Discord.Gateway;

/// <summary>
/// Receives gateway events. Called on the gateway's receive loop, so implementations must return quickly and hand
/// real work to another task: a slow handler would delay heartbeats and every later event.
/// </summary>
public interface IDiscordEventHandler
{
    void OnReady(ReadyEvent ready);

    /// <summary><paramref name="interaction"/> is Discord's interaction object (already detached from the receive buffer).</summary>
    void OnInteractionCreate(JsonElement interaction);
}
