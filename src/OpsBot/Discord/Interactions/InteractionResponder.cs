using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OpsBot.Discord.Rest;

namespace OpsBot.Discord.Interactions;

/// <summary>
/// <see cref="IInteractionResponder"/> over Discord's REST callback and webhook routes. Once Discord answers a webhook call
/// with 404 Unknown Webhook (10015: the token expired after 15 minutes or the message is gone) the token is never used
/// again: later edits and follow-ups are dropped, and that is logged once.
/// </summary>
[SuppressMessage("Reliability", "CA1001", Justification = "Lives for one connection/interaction; its SemaphoreSlim never creates a wait handle, and a late send after the owner is done must not meet a disposed lock.")]
public sealed partial class InteractionResponder(Interaction interaction, IDiscordRestClient rest, ILogger? logger = null) : IInteractionResponder
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ILogger _logger = logger ?? NullLogger.Instance;
    private int _state = (int)ResponseState.Pending;
    private int _tokenGone;

    private enum ResponseState
    {
        Pending,
        DeferredMessage,
        DeferredUpdate,
        Responded,
    }

    public bool HasResponded => (ResponseState)Volatile.Read(ref _state) != ResponseState.Pending;

    /// <summary>True once Discord said the interaction token is no longer valid; nothing more is sent with it.</summary>
    public bool TokenGone => Volatile.Read(ref _tokenGone) == 1;

    public async Task DeferAsync(bool ephemeral, CancellationToken cancellationToken)
    {
        RequireMessageInteraction();
        var component = interaction.IsComponent;
        await TryInitialAsync(
            new InteractionResponse(component ? InteractionCallbackType.DeferredUpdateMessage : InteractionCallbackType.DeferredChannelMessageWithSource, null, ephemeral && !component),
            component ? ResponseState.DeferredUpdate : ResponseState.DeferredMessage,
            cancellationToken);
    }

    public async Task RespondAsync(DiscordMessage message, bool ephemeral, CancellationToken cancellationToken)
    {
        RequireMessageInteraction();
        var previous = await TryInitialAsync(new InteractionResponse(InteractionCallbackType.ChannelMessageWithSource, message, ephemeral), ResponseState.Responded, cancellationToken);
        switch (previous)
        {
            case ResponseState.DeferredMessage:
                await WithTokenAsync(() => rest.EditOriginalResponseAsync(interaction.ApplicationId, interaction.Token, message, cancellationToken));
                break;
            case ResponseState.DeferredUpdate or ResponseState.Responded:
                await WithTokenAsync(() => rest.CreateFollowupMessageAsync(interaction.ApplicationId, interaction.Token, message, ephemeral, cancellationToken));
                break;
        }
    }

    public async Task ModifyOriginalAsync(DiscordMessage message, CancellationToken cancellationToken)
    {
        RequireMessageInteraction();
        var initial = interaction.IsComponent
            ? new InteractionResponse(InteractionCallbackType.UpdateMessage, message)
            : new InteractionResponse(InteractionCallbackType.ChannelMessageWithSource, message);
        var previous = await TryInitialAsync(initial, ResponseState.Responded, cancellationToken);
        if (previous != ResponseState.Pending)
        {
            await WithTokenAsync(() => rest.EditOriginalResponseAsync(interaction.ApplicationId, interaction.Token, message, cancellationToken));
        }
    }

    public async Task FollowupAsync(DiscordMessage message, bool ephemeral, CancellationToken cancellationToken)
    {
        RequireMessageInteraction();
        var previous = await TryInitialAsync(new InteractionResponse(InteractionCallbackType.ChannelMessageWithSource, message, ephemeral), ResponseState.Responded, cancellationToken);
        if (previous != ResponseState.Pending)
        {
            await WithTokenAsync(() => rest.CreateFollowupMessageAsync(interaction.ApplicationId, interaction.Token, message, ephemeral, cancellationToken));
        }
    }

    public async Task RespondWithAutocompleteAsync(IReadOnlyList<AutocompleteResult> choices, CancellationToken cancellationToken)
    {
        if (interaction.Type != InteractionType.ApplicationCommandAutocomplete)
        {
            throw new InvalidOperationException("Only an autocomplete interaction is answered with suggestions (callback type 8).");
        }

        await TryInitialAsync(new InteractionResponse(InteractionCallbackType.AutocompleteResult, Choices: choices), ResponseState.Responded, cancellationToken);
    }

    /// <summary>An autocomplete interaction has no message and takes only type 8: a message answer would be a 400 and leave the user's list spinning.</summary>
    private void RequireMessageInteraction()
    {
        if (interaction.Type == InteractionType.ApplicationCommandAutocomplete)
        {
            throw new InvalidOperationException("An autocomplete interaction can only be answered with suggestions (RespondWithAutocompleteAsync).");
        }
    }

    private async Task WithTokenAsync(Func<Task> call)
    {
        if (TokenGone)
        {
            return;
        }

        try
        {
            await call();
        }
        catch (DiscordApiException ex) when (ex.Code == DiscordApiException.UnknownWebhook)
        {
            MarkTokenGone(ex.Code);
        }
    }

    private void MarkTokenGone(int code)
    {
        if (Interlocked.Exchange(ref _tokenGone, 1) == 0)
        {
            LogTokenGone(_logger, interaction.Id, code);
        }
    }

    [LoggerMessage(EventId = OpsBotEventIds.InteractionResponderTokenGone, Level = LogLevel.Warning,
        Message = "Discord interaction {InteractionId}: its token is no longer valid (code {Code}); further replies to it are dropped.")]
    private static partial void LogTokenGone(ILogger logger, ulong interactionId, int code);

    /// <summary>Sends <paramref name="response"/> if nothing was sent yet; returns the state found (Pending = it was sent now).</summary>
    private async Task<ResponseState> TryInitialAsync(InteractionResponse response, ResponseState next, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var previous = (ResponseState)_state;
            if (previous != ResponseState.Pending)
            {
                return previous;
            }

            // Marked before the call: if the callback fails, a second callback would only earn a 40060.
            Volatile.Write(ref _state, (int)next);
            try
            {
                await rest.CreateInteractionResponseAsync(interaction.Id, interaction.Token, response, cancellationToken);
            }
            catch (DiscordApiException ex) when (ex.Code == DiscordApiException.UnknownInteraction)
            {
                // Too late (3 s) or unknown: the webhook routes of this token will not work either.
                MarkTokenGone(ex.Code);
                throw;
            }

            return ResponseState.Pending;
        }
        finally
        {
            _gate.Release();
        }
    }
}
