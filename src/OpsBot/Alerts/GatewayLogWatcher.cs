using Microsoft.Extensions.Options;
using OpsBot.Ops;

namespace OpsBot.Alerts;

/// <summary>
/// Polls every gateway's log (one <see cref="IGatewayLogSource"/> per gateway target) for "No reply from agent" lines and
/// feeds them to <see cref="NoReplyTracker"/>, naming the gateway when there are several.
/// </summary>
/// <remarks>
/// Each gateway keeps its own cursor, and one that cannot be read does not keep the others from being read: its failure
/// is reported after the round has read the rest.
/// </remarks>
public sealed partial class GatewayLogWatcher(
    IEnumerable<IGatewayLogSource> sources, NoReplyTracker tracker, IOptions<AlertOptions> options, TimeProvider time, ILogger<GatewayLogWatcher> logger)
    : AlertFeed<IGatewayLogSource[]>(sources.ToArray() is { Length: > 0 } all ? [all] : [], time)
{
    private const int MaxLineLength = 300;

    private readonly GatewayLogAlertOptions _options = options.Value.GatewayLog;
    private readonly Dictionary<IGatewayLogSource, string> _cursors = new(ReferenceEqualityComparer.Instance);

    protected override TimeSpan Pause => _options.PollInterval;

    protected override bool PauseFromRoundStart => true;

    /// <summary>One poll; a failure is logged (the first of a streak only), not thrown.</summary>
    /// <returns>The lines that matched.</returns>
    internal Task<int> PollAsync(CancellationToken cancellationToken) => RoundAsync(cancellationToken);

    protected override async Task<int> ReadAsync(IGatewayLogSource[] gateways, CancellationToken cancellationToken)
    {
        var matched = 0;
        Exception? failure = null;
        foreach (var source in gateways)
        {
            try
            {
                matched += await ReadOneAsync(source, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                failure ??= Named(source, ex);
            }
        }

        return failure is null ? matched : throw failure;
    }

    private async Task<int> ReadOneAsync(IGatewayLogSource source, CancellationToken cancellationToken)
    {
        var isFirstRead = !_cursors.TryGetValue(source, out var cursor);
        var batch = await source.ReadSinceAsync(cursor, cancellationToken);
        _cursors[source] = batch.Cursor;
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
            var check = $"{StackServiceNames.Of(StackService.Gateway, Named(source))} log: \"No reply from agent\"";
            await tracker.RecordAsync(new NoReplySignal(Time.GetUtcNow(), NoReplySource.GatewayLog, check, summary), cancellationToken);
        }

        return matched;
    }

    private static string? Named(IGatewayLogSource source) => string.IsNullOrEmpty(source.Gateway) ? null : source.Gateway;

    // With several gateways the log line must say whose log failed; one unnamed gateway keeps the error as it was.
    private static Exception Named(IGatewayLogSource source, Exception exception) =>
        Named(source) is not { } gateway || exception.Message.Contains(gateway, StringComparison.Ordinal)
            ? exception
            : new IOException($"{StackServiceNames.Plain(StackService.Gateway, gateway)}: {exception.Message}", exception);

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
