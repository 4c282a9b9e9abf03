using Microsoft.Extensions.Options;

namespace OpsBot.Alerts;

/// <summary>Polls the gateway log for "No reply from agent" lines and feeds them to <see cref="NoReplyTracker"/>.</summary>
public sealed partial class GatewayLogWatcher(
    IEnumerable<IGatewayLogSource> sources, NoReplyTracker tracker, IOptions<AlertOptions> options, TimeProvider time, ILogger<GatewayLogWatcher> logger)
    : AlertFeed<IGatewayLogSource>(sources, time)
{
    private const int MaxLineLength = 300;

    private readonly GatewayLogAlertOptions _options = options.Value.GatewayLog;
    private string? _cursor;

    protected override TimeSpan Pause => _options.PollInterval;

    protected override bool PauseFromRoundStart => true;

    /// <summary>One poll; a failure is logged (the first of a streak only), not thrown.</summary>
    /// <returns>The lines that matched.</returns>
    internal Task<int> PollAsync(CancellationToken cancellationToken) => RoundAsync(cancellationToken);

    protected override async Task<int> ReadAsync(IGatewayLogSource source, CancellationToken cancellationToken)
    {
        var batch = await source.ReadSinceAsync(_cursor, cancellationToken);
        var isFirstRead = _cursor is null;
        _cursor = batch.Cursor;
        if (isFirstRead)
        {
            // The source was asked "from now"; anything it still returned is from before we watched.
            return 0;
        }

        var matched = 0;
        foreach (var line in batch.Lines)
        {
            if (!_options.Patterns.Any(p => line.Contains(p, StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            matched++;
            var trimmed = line.Trim();
            var summary = trimmed.Length > MaxLineLength ? string.Concat(trimmed.AsSpan(0, MaxLineLength - 1), "…") : trimmed;
            await tracker.RecordAsync(new NoReplySignal(Time.GetUtcNow(), NoReplySource.GatewayLog, "gateway log: \"No reply from agent\"", summary), cancellationToken);
        }

        return matched;
    }

    protected override void OnNoSource() => LogNoSource(logger);

    // The first failure of a streak only: an SSH outage would otherwise log every poll.
    protected override void OnReadFailed(Exception exception, bool firstOfStreak)
    {
        if (firstOfStreak)
        {
            LogReadFailed(logger, exception.GetType().Name, exception.Message);
        }
    }

    protected override void OnReadRecovered() => LogReadRecovered(logger);

    [LoggerMessage(EventId = OpsBotEventIds.GatewayLogWatcherNoSource, Level = LogLevel.Information, Message = "No gateway log source registered: no-reply alerts come from proxy events only")]
    private static partial void LogNoSource(ILogger logger);

    [LoggerMessage(EventId = OpsBotEventIds.GatewayLogWatcherReadFailed, Level = LogLevel.Warning, Message = "Cannot read the gateway log ({ErrorType}: {Error}); retrying every poll")]
    private static partial void LogReadFailed(ILogger logger, string errorType, string error);

    [LoggerMessage(EventId = OpsBotEventIds.GatewayLogWatcherReadRecovered, Level = LogLevel.Information, Message = "Gateway log readable again")]
    private static partial void LogReadRecovered(ILogger logger);
}
