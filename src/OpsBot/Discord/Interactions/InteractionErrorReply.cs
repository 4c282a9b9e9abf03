using Microsoft.Extensions.Logging;

namespace OpsBot.Discord.Interactions;

/// <summary>
/// The framework's own answers when a handler cannot run or fails: ephemeral, prefixed with ⚠️, never containing exception
/// text (it may carry service output; users get a pointer to the log). A reply that fails is logged, never thrown.
/// </summary>
internal static class InteractionErrorReply
{
    public static Task SendAsync(InteractionContext context, string text, ILogger logger) => SendAsync(context, text, logger, context.CancellationToken);

    public static async Task SendAsync(InteractionContext context, string text, ILogger logger, CancellationToken cancellationToken)
    {
        try
        {
            await context.Responder.RespondAsync(DiscordMessage.FromText("⚠️ " + text), ephemeral: true, cancellationToken);
        }
        catch (Exception ex)
        {
            InteractionLog.ReplyFailed(logger, context.Interaction.Id, ex);
        }
    }
}
