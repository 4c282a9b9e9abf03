namespace OpsBot.Ops;

/// <summary>Tails a service's log. Implementations redact secrets before returning.</summary>
public interface ILogTailService
{
    /// <summary>The last <paramref name="lines"/> of the first (or only) configured target of <paramref name="service"/>.</summary>
    Task<LogTail> TailAsync(StackService service, int lines, CancellationToken cancellationToken) => TailAsync(service, null, lines, cancellationToken);

    /// <summary>The last <paramref name="lines"/> of <paramref name="target"/> (a name from <c>OpsTargets</c>; null: the first).</summary>
    Task<LogTail> TailAsync(StackService service, string? target, int lines, CancellationToken cancellationToken);
}
