using Microsoft.Extensions.Logging;

namespace OpsBot.Discord.Interactions;

/// <summary>
/// The framework's own answers when a handler cannot run or fails: ephemeral, prefixed with ⚠️, never containing exception
/// text (it may carry service output; users get a pointer to the log). A reply that fails is logged, never thrown.
/// An autocomplete interaction, which takes no message, gets an empty list of suggestions instead.
/// </summary>
internal static class InteractionErrorReply
{
    public static Task SendAsync(InteractionContext context, string text, ILogger logger) => SendAsync(context, text, logger, context.CancellationToken);

    public static async Task SendAsync(InteractionContext context, string text, ILogger logger, CancellationToken cancellationToken)
    {
        try
        {
            if (context.Interaction.Type == InteractionType.ApplicationCommandAutocomplete)
            {
                // No message can answer an autocomplete: the user sees an empty list, the reason goes to the log.
                await context.Responder.RespondWithAutocompleteAsync([], cancellationToken);
                return;
            }

            await context.Responder.RespondAsync(DiscordMessage.FromText("⚠️ " + text), ephemeral: true, cancellationToken);
        }
        catch (Exception ex)
        {
            InteractionLog.ReplyFailed(logger, context.Interaction.Id, ex);
        }
    }
}
