namespace OpsBot.Discord.Interactions;

/// <summary>Why an interaction did not run its handler to a reply (Discord.Net's <c>InteractionCommandError</c>).</summary>
public enum InteractionCommandError
{
    UnknownCommand,
    UnsupportedInteraction,
    UnmetPrecondition,
    ConvertFailed,
    Exception,
    Cancelled,
    NoResponse,
}
