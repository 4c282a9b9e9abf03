using Microsoft.Extensions.Logging;

namespace OpsBot.Discord.Interactions;

/// <summary>The interaction framework's log messages (event ids 2050-2069), shared by the router, the auto-defer timer and the error replies.</summary>
internal static partial class InteractionLog
{
    [LoggerMessage(EventId = OpsBotEventIds.InteractionLogExecuting, Level = LogLevel.Information, Message = "Discord {Command} from {UserName} ({UserId}) in channel {ChannelId}.")]
    public static partial void Executing(ILogger logger, string command, string userName, ulong userId, ulong channelId);

    [LoggerMessage(EventId = OpsBotEventIds.InteractionLogRefused, Level = LogLevel.Warning, Message = "Discord {Command} refused for {UserName} ({UserId}) in channel {ChannelId}: {Reason}")]
    public static partial void Refused(ILogger logger, string command, string userName, ulong userId, ulong channelId, string reason);

    [LoggerMessage(EventId = OpsBotEventIds.InteractionLogUnknownCommand, Level = LogLevel.Warning,
        Message = "Discord interaction for unknown command /{Command} from user {UserId}; answered with an error.")]
    public static partial void UnknownCommand(ILogger logger, string command, ulong userId);

    [LoggerMessage(EventId = OpsBotEventIds.InteractionLogUnknownComponent, Level = LogLevel.Warning, Message = "Discord button '{CustomId}' from user {UserId} matches no handler.")]
    public static partial void UnknownComponent(ILogger logger, string customId, ulong userId);

    [LoggerMessage(EventId = OpsBotEventIds.InteractionLogUnsupportedInteraction, Level = LogLevel.Warning, Message = "Discord interaction type {Type} from user {UserId} is not handled.")]
    public static partial void UnsupportedInteraction(ILogger logger, int type, ulong userId);

    [LoggerMessage(EventId = OpsBotEventIds.InteractionLogInvalidOptions, Level = LogLevel.Information, Message = "Discord {Command} from user {UserId} rejected: {Error}")]
    public static partial void InvalidOptions(ILogger logger, string command, ulong userId, string error);

    [LoggerMessage(EventId = OpsBotEventIds.InteractionLogHandlerFailed, Level = LogLevel.Error, Message = "Discord {Command} failed.")]
    public static partial void HandlerFailed(ILogger logger, string command, Exception exception);

    [LoggerMessage(EventId = OpsBotEventIds.InteractionLogNoResponse, Level = LogLevel.Warning, Message = "Discord {Command} returned without answering the interaction.")]
    public static partial void NoResponse(ILogger logger, string command);

    [LoggerMessage(EventId = OpsBotEventIds.InteractionLogAutoDeferred, Level = LogLevel.Debug, Message = "Discord interaction {InteractionId} not answered after {DelayMs} ms; deferring.")]
    public static partial void AutoDeferred(ILogger logger, ulong interactionId, double delayMs);

    [LoggerMessage(EventId = OpsBotEventIds.InteractionLogReplyFailed, Level = LogLevel.Warning, Message = "Discord reply to interaction {InteractionId} failed.")]
    public static partial void ReplyFailed(ILogger logger, ulong interactionId, Exception exception);

    [LoggerMessage(EventId = OpsBotEventIds.InteractionLogAutocompleteUnhandled, Level = LogLevel.Debug, Message = "Discord autocomplete for {Option} from user {UserId} has no handler; answered with no suggestions.")]
    public static partial void AutocompleteUnhandled(ILogger logger, string option, ulong userId);

    [LoggerMessage(EventId = OpsBotEventIds.InteractionLogAutocompleteRefused, Level = LogLevel.Debug, Message = "Discord {Command} for user {UserId}: no suggestions ({Reason}).")]
    public static partial void AutocompleteRefused(ILogger logger, string command, ulong userId, string reason);

    [LoggerMessage(EventId = OpsBotEventIds.InteractionLogAutocompleteFailed, Level = LogLevel.Warning, Message = "Discord {Command} answered with no suggestions: {Reason}.")]
    public static partial void AutocompleteFailed(ILogger logger, string command, string reason);

    [LoggerMessage(EventId = OpsBotEventIds.InteractionLogAutocompleteChoiceDropped, Level = LogLevel.Warning, Message = "Discord {Command}: a suggestion Discord would refuse was left out ({Problem}).")]
    public static partial void AutocompleteChoiceDropped(ILogger logger, string command, string problem);
}
