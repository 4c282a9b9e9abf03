namespace OpsBot.Discord.Interactions;

/// <summary>
/// Base class for command modules (a new instance per interaction, constructor-injected from a DI scope),
/// shaped like Discord.Net's <c>InteractionModuleBase</c> so handlers port either way.
/// </summary>
public abstract class InteractionModuleBase
{
    public InteractionContext Context { get; internal set; } = null!;

    protected CancellationToken CancellationToken => Context.CancellationToken;

    protected Task DeferAsync(bool ephemeral = false) => Context.Responder.DeferAsync(ephemeral, CancellationToken);

    protected Task RespondAsync(DiscordMessage message, bool ephemeral = false) => Context.Responder.RespondAsync(message, ephemeral, CancellationToken);

    protected Task RespondAsync(string text, bool ephemeral = false) => RespondAsync(DiscordMessage.FromText(text), ephemeral);

    protected Task ModifyOriginalAsync(DiscordMessage message) => Context.Responder.ModifyOriginalAsync(message, CancellationToken);

    protected Task FollowupAsync(DiscordMessage message, bool ephemeral = false) => Context.Responder.FollowupAsync(message, ephemeral, CancellationToken);
}
