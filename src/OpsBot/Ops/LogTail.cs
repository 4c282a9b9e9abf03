namespace OpsBot.Ops;

/// <summary>The last lines of a service's log, already redacted.</summary>
public sealed record LogTail(StackService Service, int RequestedLines, IReadOnlyList<string> Lines, string? Error = null);
