using OpsBot.Discord.Rest;

namespace OpsBot.Discord.Interactions;

/// <summary><see cref="IInteractionResponder"/> over Discord's REST callback and webhook routes.</summary>
public sealed class InteractionResponder(Interaction interaction, IDiscordRestClient rest) : IInteractionResponder
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private int _state = (int)ResponseState.Pending;

    private enum ResponseState
    {
        Pending,
        DeferredMessage,
        DeferredUpdate,
        Responded,
    }

    public bool HasResponded => (ResponseState)Volatile.Read(ref _state) != ResponseState.Pending;

    public async Task DeferAsync(bool ephemeral, CancellationToken cancellationToken)
    {
        var component = interaction.IsComponent;
        await TryInitialAsync(
            new InteractionResponse(component ? InteractionCallbackType.DeferredUpdateMessage : InteractionCallbackType.DeferredChannelMessageWithSource, null, ephemeral && !component),
            component ? ResponseState.DeferredUpdate : ResponseState.DeferredMessage,
            cancellationToken).ConfigureAwait(false);
    }

    public async Task RespondAsync(DiscordMessage message, bool ephemeral, CancellationToken cancellationToken)
    {
        var previous = await TryInitialAsync(new InteractionResponse(InteractionCallbackType.ChannelMessageWithSource, message, ephemeral), ResponseState.Responded, cancellationToken).ConfigureAwait(false);
        switch (previous)
        {
            case ResponseState.DeferredMessage:
                await rest.EditOriginalResponseAsync(interaction.ApplicationId, interaction.Token, message, cancellationToken).ConfigureAwait(false);
                break;
            case ResponseState.DeferredUpdate or ResponseState.Responded:
                await rest.CreateFollowupMessageAsync(interaction.ApplicationId, interaction.Token, message, ephemeral, cancellationToken).ConfigureAwait(false);
                break;
        }
    }

    public async Task ModifyOriginalAsync(DiscordMessage message, CancellationToken cancellationToken)
    {
        var initial = interaction.IsComponent
            ? new InteractionResponse(InteractionCallbackType.UpdateMessage, message)
            : new InteractionResponse(InteractionCallbackType.ChannelMessageWithSource, message);
        var previous = await TryInitialAsync(initial, ResponseState.Responded, cancellationToken).ConfigureAwait(false);
        if (previous != ResponseState.Pending)
        {
            await rest.EditOriginalResponseAsync(interaction.ApplicationId, interaction.Token, message, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task FollowupAsync(DiscordMessage message, bool ephemeral, CancellationToken cancellationToken)
    {
        var previous = await TryInitialAsync(new InteractionResponse(InteractionCallbackType.ChannelMessageWithSource, message, ephemeral), ResponseState.Responded, cancellationToken).ConfigureAwait(false);
        if (previous != ResponseState.Pending)
        {
            await rest.CreateFollowupMessageAsync(interaction.ApplicationId, interaction.Token, message, ephemeral, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Sends <paramref name="response"/> if nothing was sent yet; returns the state found (Pending = it was sent now).</summary>
    private async Task<ResponseState> TryInitialAsync(InteractionResponse response, ResponseState next, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var previous = (ResponseState)_state;
            if (previous != ResponseState.Pending)
            {
                return previous;
            }

            // Marked before the call: if the callback fails, a second callback would only earn a 40060.
            Volatile.Write(ref _state, (int)next);
            await rest.CreateInteractionResponseAsync(interaction.Id, interaction.Token, response, cancellationToken).ConfigureAwait(false);
            return ResponseState.Pending;
        }
        finally
        {
            _gate.Release();
        }
    }
}
