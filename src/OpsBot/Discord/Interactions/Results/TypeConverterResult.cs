namespace OpsBot.Discord.Interactions;

/// <summary>One option value read into its parameter's type, or why it could not be (a message for the user).</summary>
public sealed record TypeConverterResult(object? Value, string? ErrorReason)
{
    public bool IsSuccess => ErrorReason is null;

    public static TypeConverterResult FromSuccess(object? value) => new(value, null);

    public static TypeConverterResult FromError(string reason) => new(null, reason);
}
