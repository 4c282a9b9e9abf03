namespace OpsBot.Ops.Logs;

/// <summary>The gateway's detailed log file (<c>openclaw-YYYY-MM-DD.log</c> of the host's current day).</summary>
public interface IGatewayLogFileTail
{
    Task<LogTail> TailDetailedAsync(int lines, CancellationToken cancellationToken);
}
