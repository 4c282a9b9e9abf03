namespace OpsBot.Operations;

/// <summary>The bounds the operations share between <c>/logs</c>, <c>opsbot logs</c> and the admin socket.</summary>
public static class OpsLimits
{
    public const int DefaultLogLines = 50;
    public const int MaxLogLines = 500;

    /// <summary>The one wording for a line count out of range, from the CLI's parser and the admin endpoint alike.</summary>
    public static string LinesOutOfRange(long lines) => $"lines must be 1–{MaxLogLines} (got {lines})";
}
