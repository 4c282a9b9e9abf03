namespace OpsBot.Charts;

/// <summary>Without Discord, the digest's line goes to the log (the chart is there for <c>opsbot chart</c>).</summary>
public sealed partial class LogOnlyDigestSink(ILogger<LogOnlyDigestSink> logger) : IDigestSink
{
    public Task SendAsync(DailyDigest digest, CancellationToken cancellationToken)
    {
        LogDigest(logger, digest.Summary);
        return Task.CompletedTask;
    }

    [LoggerMessage(EventId = OpsBotEventIds.LogOnlyDigestSinkDigest, Level = LogLevel.Information, Message = "{Summary}")]
    private static partial void LogDigest(ILogger logger, string summary);
}
