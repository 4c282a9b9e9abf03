namespace OpsBot.Discord.Interactions;

/// <summary>How one interaction ended; every error has already been answered ephemerally and logged.</summary>
public sealed record ExecuteResult(InteractionCommandError? Error, string? ErrorReason)
{
    public static ExecuteResult Success { get; } = new(null, null);

    public bool IsSuccess => Error is null;

    public static ExecuteResult FromError(InteractionCommandError error, string reason) => new(error, reason);
}
