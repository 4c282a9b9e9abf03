namespace OpsBot.Discord.Interactions;

/// <summary>The handler's arguments in parameter order, or why the options Discord sent do not fit them.</summary>
public sealed record ParseResult(object?[]? Arguments, string? ErrorReason)
{
    public bool IsSuccess => Arguments is not null;

    public static ParseResult FromSuccess(object?[] arguments) => new(arguments, null);

    public static ParseResult FromError(string reason) => new(null, reason);
}
