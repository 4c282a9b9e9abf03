using OpsBot.Alerts;
using OpsBot.Discord.Interactions;

namespace OpsBot.Discord.Commands;

/// <summary>/silence and /unsilence: admins hold back alert posts for a while (alerts are still logged and recorded).</summary>
[RequireAdmin]
public sealed class SilenceModule(IAlertSilenceService silences) : InteractionModuleBase
{
    public const int MaxMinutes = 1440;

    [SlashCommand("silence", "Hold back alerts for a service for some minutes")]
    public async Task SilenceAsync(
        [Summary("target", "Which alerts to hold back")]
        [Choice(ServiceNames.Vllm, ServiceNames.Vllm)]
        [Choice(ServiceNames.Proxy, ServiceNames.Proxy)]
        [Choice(ServiceNames.Gateway, ServiceNames.Gateway)]
        [Choice("no-reply", "no-reply")]
        [Choice("all", "all")]
        string target,
        [Summary("minutes", "For how long (1-1440)")]
        [MinValue(1)]
        [MaxValue(MaxMinutes)]
        int minutes)
    {
        var result = await silences.SilenceAsync(target, minutes, $"{Context.User.Username} ({Context.User.Id})", CancellationToken);
        await RespondAsync(result.Message, ephemeral: !result.Accepted);
    }

    [SlashCommand("unsilence", "Post alerts for a service again")]
    public async Task UnsilenceAsync(
        [Summary("target", "Which alerts to post again")]
        [Choice(ServiceNames.Vllm, ServiceNames.Vllm)]
        [Choice(ServiceNames.Proxy, ServiceNames.Proxy)]
        [Choice(ServiceNames.Gateway, ServiceNames.Gateway)]
        [Choice("no-reply", "no-reply")]
        [Choice("all", "all")]
        string target)
    {
        var result = await silences.UnsilenceAsync(target, $"{Context.User.Username} ({Context.User.Id})", CancellationToken);
        await RespondAsync(result.Message, ephemeral: !result.Accepted);
    }
}
