using Microsoft.Extensions.Options;
using OpsBot.History;

namespace OpsBot.Alerts;

/// <summary>
/// The "No reply from agent" incident, fed by the proxy's completion events and the gateway log.
/// One message when it starts (with the request and the check that fired), a count at most every
/// UpdateInterval while it continues, one when it turns critical, one when it has been quiet for ResolveAfter.
/// </summary>
/// <remarks>
/// Thresholds compare the busier source, not the sum: one empty answer usually shows up twice
/// (as the proxy's event and as the gateway's log line), and must not count as two failures.
/// </remarks>
public sealed partial class NoReplyTracker : IAlertEvaluator, IDisposable
{
    public const string Key = "no-reply";

    private readonly IAlertPublisher _publisher;
    private readonly IIncidentStore _incidents;
    private readonly AlertSuppressions _mutes;
    private readonly NoReplyAlertOptions _options;
    private readonly ILogger<NoReplyTracker> _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Queue<NoReplySignal> _recent = new();
    private Incident? _open;

    public NoReplyTracker(IAlertPublisher publisher, IIncidentStore incidents, AlertSuppressions mutes, IOptions<AlertOptions> options, ILogger<NoReplyTracker> logger)
    {
        _publisher = publisher;
        _incidents = incidents;
        _mutes = mutes;
        _options = options.Value.NoReply;
        _logger = logger;
    }

    public bool IsOpen => _open is not null;

    public async Task RecordAsync(NoReplySignal signal, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_mutes.InMaintenance(AlertTarget.NoReply, signal.At))
            {
                // A restart in progress explains the failure; counting it would raise an incident right after.
                LogIgnoredDuringMaintenance(_logger, signal.Source, signal.Check);
                return;
            }

            _recent.Enqueue(signal);
            Trim(signal.At);
            var inWindow = WindowCount();
            var severity = inWindow >= _options.AlertThreshold ? AlertSeverity.Critical : AlertSeverity.Warning;
            if (_open is null)
            {
                if (inWindow < _options.WarnThreshold)
                {
                    return;
                }

                _open = new Incident(signal.At, signal, severity);
                foreach (var earlier in _recent)
                {
                    _open.Count(earlier);
                }

                _open.StoreId = await _incidents.OpenAsync(new IncidentOpening(Key, null, severity, "No reply from agent", $"{signal.Check}; {signal.Summary}",
                    signal.At, IsOutage: false, DuringMaintenance: false), cancellationToken);
            }
            else
            {
                _open.Count(signal);
                if (severity > _open.Severity)
                {
                    _open.Severity = severity;
                    if (_open.StoreId is { } id)
                    {
                        await _incidents.UpdateAsync(id, severity, _open.Total, isOutage: false, cancellationToken);
                    }
                }
            }

            await ReconcileAsync(signal.At, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>An answer that came through fine: only counted, for the resolve message.</summary>
    public void RecordSuccess()
    {
        if (_open is { } open)
        {
            Interlocked.Increment(ref open.SuccessesSinceLastFailure);
        }
    }

    public async Task EvaluateAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            Trim(now);
            if (_open is null)
            {
                return;
            }

            if (now - _open.LastSignal.At >= _options.ResolveAfter)
            {
                await ResolveAsync(now, cancellationToken);
            }
            else
            {
                await ReconcileAsync(now, cancellationToken);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task ReconcileAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var open = _open!;
        var mutedBy = _mutes.MutedBy(AlertTarget.NoReply, now);
        if (mutedBy is not null)
        {
            if (!open.Announced && !open.RecordedMuted)
            {
                open.RecordedMuted = true;
                await _publisher.PublishAsync(RaisedAlert(open, now), mutedBy, cancellationToken);
            }

            return;
        }

        if (!open.Announced)
        {
            await _publisher.PublishAsync(RaisedAlert(open, now), null, cancellationToken);
            open.MarkAnnounced(now);
        }
        else if (open.Severity > open.AnnouncedSeverity)
        {
            var inWindow = WindowCount();
            var text = $"🚨 **No reply from agent is now critical**: {AlertText.Plural(inWindow, "failure", "failures")} in the last {AlertText.Duration(_options.Window)} "
                + $"(alert at {_options.AlertThreshold}); {open.Total} since {AlertText.Time(open.OpenedAt)}.\nLatest: {open.LastSignal.Check}\n{Request(open.LastSignal)}";
            await _publisher.PublishAsync(new Alert(Key, AlertKind.Escalated, AlertSeverity.Critical, AlertText.Fit(text), now), null, cancellationToken);
            open.MarkAnnounced(now);
        }
        else if (open.Total > open.AnnouncedTotal && now - open.LastPostAt >= _options.UpdateInterval)
        {
            var text = $"{AlertText.Icon(AlertKind.Update, open.Severity)} **No reply from agent continues**: {open.Total} failures since {AlertText.Time(open.OpenedAt)} "
                + $"({open.Total - open.AnnouncedTotal} since the last message; {open.Sources()}).\nLatest: {open.LastSignal.Check}\n{Request(open.LastSignal)}";
            await _publisher.PublishAsync(new Alert(Key, AlertKind.Update, open.Severity, AlertText.Fit(text), now), null, cancellationToken);
            open.MarkAnnounced(now);
        }
    }

    private async Task ResolveAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var open = _open!;
        _open = null;
        if (open.StoreId is { } id)
        {
            await _incidents.ResolveAsync(id, open.LastSignal.At, open.Total, cancellationToken);
        }

        if (!open.Announced && !open.RecordedMuted)
        {
            return;
        }

        var successes = Volatile.Read(ref open.SuccessesSinceLastFailure);
        var text = $"✅ **Resolved: no reply from agent**: {AlertText.Plural(open.Total, "failure", "failures")} from {AlertText.Time(open.OpenedAt)} to {AlertText.Time(open.LastSignal.At)} "
            + $"({open.Sources()}); none for {AlertText.Duration(now - open.LastSignal.At)}"
            + (successes > 0 ? $", {AlertText.Plural(successes, "answer", "answers")} came through since." : ".");
        // Resolving an incident nobody was told about (it was muted throughout) is recorded, not posted.
        var mutedBy = open.Announced ? _mutes.MutedBy(AlertTarget.NoReply, now) : "muted while open";
        await _publisher.PublishAsync(new Alert(Key, AlertKind.Resolved, open.Severity, text, now), mutedBy, cancellationToken);
    }

    private Alert RaisedAlert(Incident open, DateTimeOffset now)
    {
        var inWindow = WindowCount();
        var level = open.Severity == AlertSeverity.Critical ? "critical" : "warning";
        var text = $"{AlertText.Icon(AlertKind.Raised, open.Severity)} **No reply from agent** ({level}): {AlertText.Plural(inWindow, "failure", "failures")} in the last {AlertText.Duration(_options.Window)} "
            + $"(warn at {_options.WarnThreshold}, alert at {_options.AlertThreshold}), since {AlertText.Time(open.OpenedAt)}.\n"
            + $"Check: {open.First.Check}\n{Request(open.First)}";
        return new Alert(Key, AlertKind.Raised, open.Severity, AlertText.Fit(text), now);
    }

    private static string Request(NoReplySignal signal) =>
        signal.Source == NoReplySource.GatewayLog ? $"Gateway log: `{signal.Summary}`" : $"Request: {signal.Summary}";

    private int WindowCount() => _recent.GroupBy(s => s.Source).Select(g => g.Count()).DefaultIfEmpty(0).Max();

    private void Trim(DateTimeOffset now)
    {
        while (_recent.Count > 0 && now - _recent.Peek().At > _options.Window)
        {
            _recent.Dequeue();
        }
    }

    private sealed class Incident(DateTimeOffset openedAt, NoReplySignal first, AlertSeverity severity)
    {
        private readonly Dictionary<NoReplySource, int> _bySource = [];

        public int SuccessesSinceLastFailure;

        public DateTimeOffset OpenedAt { get; } = openedAt;

        public NoReplySignal First { get; } = first;

        public NoReplySignal LastSignal { get; private set; } = first;

        public AlertSeverity Severity { get; set; } = severity;

        public long? StoreId { get; set; }

        public int Total { get; private set; }

        public bool Announced { get; private set; }

        public bool RecordedMuted { get; set; }

        public AlertSeverity AnnouncedSeverity { get; private set; }

        public int AnnouncedTotal { get; private set; }

        public DateTimeOffset LastPostAt { get; private set; }

        public void Count(NoReplySignal signal)
        {
            Total++;
            _bySource[signal.Source] = _bySource.GetValueOrDefault(signal.Source) + 1;
            if (signal.At >= LastSignal.At)
            {
                LastSignal = signal;
            }

            SuccessesSinceLastFailure = 0;
        }

        public void MarkAnnounced(DateTimeOffset now)
        {
            Announced = true;
            AnnouncedSeverity = Severity;
            AnnouncedTotal = Total;
            LastPostAt = now;
        }

        public string Sources() => string.Join(", ", _bySource.OrderBy(s => s.Key).Select(s => $"{(s.Key == NoReplySource.Proxy ? "proxy" : "gateway log")}: {s.Value}"));
    }

    [LoggerMessage(EventId = OpsBotEventIds.NoReplyTrackerIgnoredDuringMaintenance, Level = LogLevel.Information, Message = "No-reply failure during maintenance not counted ({Source}: {Check})")]
    private static partial void LogIgnoredDuringMaintenance(ILogger logger, NoReplySource source, string check);

    /// <summary>Disposes <c>_gate</c>; the container calls this once the host has stopped.</summary>
    public void Dispose() => _gate.Dispose();
}
