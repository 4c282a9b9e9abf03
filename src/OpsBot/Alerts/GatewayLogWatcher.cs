using Microsoft.Extensions.Options;

namespace OpsBot.Alerts;

/// <summary>Polls the gateway log for "No reply from agent" lines and feeds them to <see cref="NoReplyTracker"/>.</summary>
public sealed partial class GatewayLogWatcher : BackgroundService
{
    private const int MaxLineLength = 300;

    private readonly IGatewayLogSource? _source;
    private readonly NoReplyTracker _tracker;
    private readonly GatewayLogAlertOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<GatewayLogWatcher> _logger;
    private string? _cursor;
    private bool _failing;

    public GatewayLogWatcher(IEnumerable<IGatewayLogSource> sources, NoReplyTracker tracker, IOptions<AlertOptions> options, TimeProvider time, ILogger<GatewayLogWatcher> logger)
    {
        _source = sources.LastOrDefault();
        _tracker = tracker;
        _options = options.Value.GatewayLog;
        _time = time;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_source is null)
        {
            LogNoSource(_logger);
            return;
        }

        using var timer = new PeriodicTimer(_options.PollInterval, _time);
        try
        {
            do
            {
                await PollAsync(stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    internal async Task<int> PollAsync(CancellationToken cancellationToken)
    {
        GatewayLogBatch batch;
        try
        {
            batch = await _source!.ReadSinceAsync(_cursor, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Log the first failure of a streak only: an SSH outage would otherwise log every poll.
            if (!_failing)
            {
                _failing = true;
                LogReadFailed(_logger, ex.GetType().Name, ex.Message);
            }

            return 0;
        }

        if (_failing)
        {
            _failing = false;
            LogReadRecovered(_logger);
        }

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
            await _tracker.RecordAsync(new NoReplySignal(_time.GetUtcNow(), NoReplySource.GatewayLog, "gateway log: \"No reply from agent\"", summary), cancellationToken);
        }

        return matched;
    }

    [LoggerMessage(EventId = 870, Level = LogLevel.Information, Message = "No gateway log source registered: no-reply alerts come from proxy events only")]
    private static partial void LogNoSource(ILogger logger);

    [LoggerMessage(EventId = 871, Level = LogLevel.Warning, Message = "Cannot read the gateway log ({ErrorType}: {Error}); retrying every poll")]
    private static partial void LogReadFailed(ILogger logger, string errorType, string error);

    [LoggerMessage(EventId = 872, Level = LogLevel.Information, Message = "Gateway log readable again")]
    private static partial void LogReadRecovered(ILogger logger);
}
