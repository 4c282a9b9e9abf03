namespace OpsBot.Discord.Interactions;

/// <summary>What a command module sees of the interaction it is handling.</summary>
public sealed class InteractionContext(Interaction interaction, IInteractionResponder responder, CancellationToken cancellationToken)
{
    public Interaction Interaction { get; } = interaction;

    public IInteractionResponder Responder { get; } = responder;

    public InteractionUser User => Interaction.User;

    /// <summary>Cancelled when OpsBot shuts down.</summary>
    public CancellationToken CancellationToken { get; } = cancellationToken;
}
