namespace OpsBot.Ops;

/// <summary>Tails a service's log. Implementations redact secrets before returning.</summary>
public interface ILogTailService
{
    Task<LogTail> TailAsync(StackService service, int lines, CancellationToken cancellationToken);
}
