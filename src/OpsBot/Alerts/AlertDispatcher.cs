using Microsoft.Extensions.Options;
using OpsBot.Components;
using Polly;
using Polly.Retry;

namespace OpsBot.Alerts;

/// <summary>
/// Posts queued alerts in order through <see cref="IAlertSink"/>. When the sink fails (Discord unreachable)
/// it backs off exponentially and keeps the queue; when it works again it first says how many alerts were
/// delayed (and dropped), then posts them, each noting its delay.
/// </summary>
/// <remarks>
/// The backoff is a Polly retry pipeline around one delivery step: a step that failed is retried after
/// <see cref="Backoff"/>, which counts failures since the last successful send (not Polly's attempts), so a step that
/// ends without sending (the queue emptied) keeps the backoff where it was, and the log line names the same delay.
/// </remarks>
public sealed partial class AlertDispatcher : BackgroundService
{
    private static readonly TimeSpan SendTimeout = TimeSpan.FromSeconds(30);

    private readonly AlertOutbox _outbox;
    private readonly IAlertSink _sink;
    private readonly AlertDeliveryOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<AlertDispatcher> _logger;
    private readonly ComponentStates? _states;
    private readonly ResiliencePipeline<bool> _retry;
    private DateTimeOffset? _failingSince;
    private bool _backlogAnnounced;
    private int _failures;

    public AlertDispatcher(AlertOutbox outbox, IAlertSink sink, IOptions<AlertOptions> options, TimeProvider time, ILogger<AlertDispatcher> logger, ComponentStates? states = null)
    {
        _states = states;
        _outbox = outbox;
        _sink = sink;
        _options = options.Value.Delivery;
        _time = time;
        _logger = logger;
        _retry = new ResiliencePipelineBuilder<bool> { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions<bool>
            {
                MaxRetryAttempts = int.MaxValue,
                ShouldHandle = static args => ValueTask.FromResult(args.Outcome is { Exception: null, Result: false }),
                DelayGenerator = _ => ValueTask.FromResult<TimeSpan?>(Backoff()),
            })
            .Build();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await _outbox.LoadAsync(stoppingToken);
            while (!stoppingToken.IsCancellationRequested)
            {
                await _outbox.WaitForAlertsAsync(stoppingToken);
                await _retry.ExecuteAsync(static (dispatcher, token) => new ValueTask<bool>(dispatcher.DeliverNextAsync(token)), this, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One step: the backlog notice if one is due, else the oldest alert. False when the sink failed.</summary>
    internal async Task<bool> DeliverNextAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        await DropExpiredAsync(now, cancellationToken);
        var queued = _outbox.Snapshot();
        if (queued.Count == 0)
        {
            _backlogAnnounced = false;
            return true;
        }

        if (!_backlogAnnounced)
        {
            var delayed = queued.Count(q => now - q.Alert.CreatedAt > _options.DelayNoteAfter);
            var dropped = _outbox.Dropped;
            if (delayed > 0 || dropped > 0)
            {
                var oldest = queued[0].Alert.CreatedAt;
                if (!await TrySendAsync(BacklogNotice(delayed, dropped, oldest, now), null, cancellationToken))
                {
                    return false;
                }

                _outbox.TakeDropped();
                _backlogAnnounced = true;
            }
        }

        var head = queued[0];
        var waited = now - head.Alert.CreatedAt;
        var text = head.Alert.Text;
        TimeSpan? delayedBy = null;
        if (waited > _options.DelayNoteAfter)
        {
            delayedBy = waited;
            text += $"\n_(delayed {AlertText.Duration(waited)}: raised at {AlertText.Time(head.Alert.CreatedAt)} while Discord was unreachable)_";
        }

        var outgoing = new OutgoingAlert(head.Alert.Key, head.Alert.Kind, head.Alert.Severity, text, head.Alert.CreatedAt, delayedBy);
        if (!await TrySendAsync(outgoing, head, cancellationToken))
        {
            return false;
        }

        await _outbox.RemoveAsync(head, dropped: false, cancellationToken);
        if (_outbox.Count == 0)
        {
            _backlogAnnounced = false;
        }

        return true;
    }

    private async Task<bool> TrySendAsync(OutgoingAlert alert, QueuedAlert? queued, CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = new CancellationTokenSource(SendTimeout, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            await _sink.SendAsync(alert, linked.Token);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            var now = _time.GetUtcNow();
            _failingSince ??= now;
            _failures++;
            // A failure part-way through a backlog means the next success starts a new backlog notice.
            _backlogAnnounced = false;
            var retryIn = Backoff();
            if (_failures == 1)
            {
                LogSendFailed(_logger, _outbox.Count, retryIn, _options.RetryMaxDelay, ex.GetType().Name, ex.Message);
            }
            else
            {
                LogSendFailedAgain(_logger, _failures, _outbox.Count, retryIn, ex.GetType().Name, ex.Message);
            }

            _states?.Report(ComponentNames.Alerts, ComponentState.Degraded,
                $"alert delivery failing since {_failingSince:HH:mm:ss} UTC ({_failures} attempts, {_outbox.Count} queued): {ex.GetType().Name}: {ex.Message}");
            if (queued is not null)
            {
                await _outbox.RecordFailureAsync(queued, $"{ex.GetType().Name}: {ex.Message}", now + retryIn, cancellationToken);
            }

            return false;
        }

        if (_failingSince is { } since)
        {
            LogRecovered(_logger, _time.GetUtcNow() - since, _failures);
            _failingSince = null;
            _failures = 0;
            _states?.Report(ComponentNames.Alerts, ComponentState.Running);
        }

        return true;
    }

    private async Task DropExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        foreach (var item in _outbox.Snapshot().Where(q => now - q.Alert.CreatedAt > _options.MaxAge))
        {
            await _outbox.RemoveAsync(item, dropped: true, cancellationToken);
        }
    }

    private OutgoingAlert BacklogNotice(int delayed, int dropped, DateTimeOffset oldest, DateTimeOffset now)
    {
        var parts = new List<string>();
        if (delayed > 0)
        {
            parts.Add($"{AlertText.Plural(delayed, "alert was", "alerts were")} delayed (oldest from {AlertText.Time(oldest)}, {AlertText.Duration(now - oldest)} ago) and follow now");
        }

        if (dropped > 0)
        {
            parts.Add($"{AlertText.Plural(dropped, "alert was", "alerts were")} dropped (queue limit {_options.MaxQueued} or older than {AlertText.Duration(_options.MaxAge)}); see the journal or /history");
        }

        var text = $"📬 Alert delivery resumed: {string.Join("; ", parts)}.";
        return new OutgoingAlert("delivery", AlertKind.Notice, AlertSeverity.Warning, text, now, null);
    }

    /// <summary>The wait before the next try: the initial delay doubling per consecutive failure, up to the maximum.</summary>
    private TimeSpan Backoff()
    {
        var exponent = Math.Clamp(_failures - 1, 0, 20);
        var delay = TimeSpan.FromTicks(Math.Min(_options.RetryInitialDelay.Ticks * (1L << exponent), _options.RetryMaxDelay.Ticks));
        return delay;
    }

    [LoggerMessage(EventId = OpsBotEventIds.AlertDispatcherSendFailed, Level = LogLevel.Warning,
        Message = "Alert delivery failed ({Queued} queued): {ErrorType}: {Error}. Alerts stay queued and are retried in {RetryIn}, backing off up to {MaxDelay}; one line when delivery works again.")]
    private static partial void LogSendFailed(ILogger logger, int queued, TimeSpan retryIn, TimeSpan maxDelay, string errorType, string error);

    [LoggerMessage(EventId = OpsBotEventIds.AlertDispatcherSendFailedAgain, Level = LogLevel.Debug,
        Message = "Alert delivery failed again (attempt {Failures}, {Queued} queued), retrying in {RetryIn}: {ErrorType}: {Error}")]
    private static partial void LogSendFailedAgain(ILogger logger, int failures, int queued, TimeSpan retryIn, string errorType, string error);

    [LoggerMessage(EventId = OpsBotEventIds.AlertDispatcherRecovered, Level = LogLevel.Information, Message = "Alert delivery works again after {Outage} and {Failures} failed attempt(s)")]
    private static partial void LogRecovered(ILogger logger, TimeSpan outage, int failures);
}
