using OpsBot.Alerts;
using OpsBot.Discord.Interactions;
using OpsBot.Operations;

namespace OpsBot.Discord.Commands;

/// <summary>/silence and /unsilence: admins hold back alert posts for a while (alerts are still logged and recorded).</summary>
[RequireAdmin]
public sealed class SilenceModule(IAlertSilenceService silences) : InteractionModuleBase
{
    [SlashCommand("silence", "Hold back alerts for a service for some minutes")]
    public async Task SilenceAsync(
        [Summary("target", "Which alerts to hold back")]
        SilenceTarget target,
        [Summary("minutes", "For how long, in minutes (at most Alerts:MaxSilenceMinutes, default 1440)")]
        [MinValue(1)]
        [MaxValue(AlertOptions.SilenceMinutesCeiling)]
        int minutes)
    {
        var result = await silences.SilenceAsync(EnumNames<SilenceTarget>.NameOf(target), minutes, $"{Context.User.Username} ({Context.User.Id})", CancellationToken);
        await RespondAsync(result.Message, ephemeral: !result.Accepted);
    }

    [SlashCommand("unsilence", "Post alerts for a service again")]
    public async Task UnsilenceAsync(
        [Summary("target", "Which alerts to post again")]
        SilenceTarget target)
    {
        var result = await silences.UnsilenceAsync(EnumNames<SilenceTarget>.NameOf(target), $"{Context.User.Username} ({Context.User.Id})", CancellationToken);
        await RespondAsync(result.Message, ephemeral: !result.Accepted);
    }
}
