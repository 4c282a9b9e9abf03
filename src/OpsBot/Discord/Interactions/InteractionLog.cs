using Microsoft.Extensions.Logging;

namespace OpsBot.Discord.Interactions;

/// <summary>The interaction framework's log messages (event ids 50-59), shared by the router, the auto-defer timer and the error replies.</summary>
internal static partial class InteractionLog
{
    [LoggerMessage(50, LogLevel.Information, "Discord {Command} from {UserName} ({UserId}) in channel {ChannelId}.")]
    public static partial void Executing(ILogger logger, string command, string userName, ulong userId, ulong channelId);

    [LoggerMessage(51, LogLevel.Warning, "Discord {Command} refused for {UserName} ({UserId}) in channel {ChannelId}: {Reason}")]
    public static partial void Refused(ILogger logger, string command, string userName, ulong userId, ulong channelId, string reason);

    [LoggerMessage(52, LogLevel.Warning, "Discord interaction for unknown command /{Command} from user {UserId}; answered with an error.")]
    public static partial void UnknownCommand(ILogger logger, string command, ulong userId);

    [LoggerMessage(53, LogLevel.Warning, "Discord button '{CustomId}' from user {UserId} matches no handler.")]
    public static partial void UnknownComponent(ILogger logger, string customId, ulong userId);

    [LoggerMessage(54, LogLevel.Warning, "Discord interaction type {Type} from user {UserId} is not handled.")]
    public static partial void UnsupportedInteraction(ILogger logger, int type, ulong userId);

    [LoggerMessage(55, LogLevel.Information, "Discord {Command} from user {UserId} rejected: {Error}")]
    public static partial void InvalidOptions(ILogger logger, string command, ulong userId, string error);

    [LoggerMessage(56, LogLevel.Error, "Discord {Command} failed.")]
    public static partial void HandlerFailed(ILogger logger, string command, Exception exception);

    [LoggerMessage(57, LogLevel.Warning, "Discord {Command} returned without answering the interaction.")]
    public static partial void NoResponse(ILogger logger, string command);

    [LoggerMessage(58, LogLevel.Debug, "Discord interaction {InteractionId} not answered after {DelayMs} ms; deferring.")]
    public static partial void AutoDeferred(ILogger logger, ulong interactionId, double delayMs);

    [LoggerMessage(59, LogLevel.Warning, "Discord reply to interaction {InteractionId} failed.")]
    public static partial void ReplyFailed(ILogger logger, ulong interactionId, Exception exception);
}
