using Microsoft.Extensions.Options;
using OpsBot.History;

namespace OpsBot.Charts;

/// <summary>
/// Posts the daily digest at <see cref="DigestOptions.Time"/>: the 24 h chart and a one-line summary, handed to
/// <see cref="IDigestSink"/>. Apart from everything else: a digest that cannot be drawn or posted is logged once and the
/// next one comes the next day; nothing here can stop the host or the proxy.
/// </summary>
internal sealed partial class DailyDigestService : BackgroundService
{
    /// <summary>A digest more than this late (the host was suspended, the clock jumped) is skipped, not posted hours off.</summary>
    private static readonly TimeSpan Lateness = TimeSpan.FromHours(1);

    private readonly DigestSchedule? _schedule;
    private readonly IChartService _charts;
    private readonly IHistorySeriesService _history;
    private readonly IDigestSink _sink;
    private readonly TimeProvider _time;
    private readonly ILogger<DailyDigestService> _logger;
    private readonly TaskCompletionSource _firstDue = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ITimer? _firstTimer;

    public DailyDigestService(IOptions<DigestOptions> options, IChartService charts, IHistorySeriesService history, IDigestSink sink, TimeProvider time, ILogger<DailyDigestService> logger)
    {
        _schedule = DigestSchedule.From(options.Value, time.LocalTimeZone, out _);
        _charts = charts;
        _history = history;
        _sink = sink;
        _time = time;
        _logger = logger;
    }

    /// <summary>When the next digest is due; null when the digest is off.</summary>
    public DateTimeOffset? NextAt { get; private set; }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Decided at start, not when the loop first runs: a digest due a moment after start is not pushed to tomorrow.
        // The first wait is armed here too: the loop runs on the thread pool, and a wait it computed from a clock read
        // before a jump would be measured from after it.
        var now = _time.GetUtcNow();
        NextAt = _schedule?.NextAfter(now);
        if (_schedule is null)
        {
            LogOff(_logger);
        }
        else
        {
            LogScheduled(_logger, _schedule.ToString(), NextAt!.Value);
            var left = NextAt!.Value - now;
            _firstTimer = _time.CreateTimer(static due => ((TaskCompletionSource)due!).TrySetResult(), _firstDue, left > TimeSpan.Zero ? left : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
        }

        return base.StartAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _firstTimer?.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_schedule is null || NextAt is not { } next)
        {
            return;
        }

        try
        {
            await _firstDue.Task.WaitAsync(stoppingToken);
            while (true)
            {
                for (var left = next - _time.GetUtcNow(); left > TimeSpan.Zero; left = next - _time.GetUtcNow())
                {
                    await Task.Delay(left, _time, stoppingToken);
                }

                var now = _time.GetUtcNow();
                if (now - next > Lateness)
                {
                    LogSkipped(_logger, next, now - next);
                }
                else
                {
                    await PostAsync(now, stoppingToken);
                }

                NextAt = next = _schedule.NextAfter(now);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    internal async Task PostAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            var end = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerMinute), TimeSpan.Zero);
            var chart = await _charts.RenderAsync(ChartRange.Day, end: end, cancellationToken: cancellationToken);
            var day = await _history.GetSummaryAsync(ChartRange.Day.Span, cancellationToken);
            await _sink.SendAsync(new DailyDigest(now, DigestText.Summary(day, chart.Model), chart), cancellationToken);
            LogPosted(_logger);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            LogFailed(_logger, ex.GetType().Name, ex.Message);
        }
    }

    [LoggerMessage(EventId = OpsBotEventIds.DailyDigestServiceOff, Level = LogLevel.Debug, Message = "Daily digest off (Alerts:Digest:Time is not set)")]
    private static partial void LogOff(ILogger logger);

    [LoggerMessage(EventId = OpsBotEventIds.DailyDigestServiceScheduled, Level = LogLevel.Information, Message = "Daily digest at {Schedule}; next at {Next:u}")]
    private static partial void LogScheduled(ILogger logger, string schedule, DateTimeOffset next);

    [LoggerMessage(EventId = OpsBotEventIds.DailyDigestServicePosted, Level = LogLevel.Information, Message = "Daily digest posted")]
    private static partial void LogPosted(ILogger logger);

    [LoggerMessage(EventId = OpsBotEventIds.DailyDigestServiceFailed, Level = LogLevel.Warning, Message = "Daily digest not posted ({Error}: {Message}); the next one is due tomorrow")]
    private static partial void LogFailed(ILogger logger, string error, string message);

    [LoggerMessage(EventId = OpsBotEventIds.DailyDigestServiceSkipped, Level = LogLevel.Warning, Message = "Daily digest due at {Due:u} skipped: {Late} late (was the host suspended?)")]
    private static partial void LogSkipped(ILogger logger, DateTimeOffset due, TimeSpan late);
}
