namespace OpsBot.Discord.Interactions;

public sealed record PreconditionResult(bool IsSuccess, string? Reason)
{
    public static PreconditionResult Success { get; } = new(true, null);

    public static PreconditionResult Fail(string reason) => new(false, reason);
}
