using Microsoft.Extensions.Options;
using OpsBot.History;
using OpsBot.Ops;

namespace OpsBot.Alerts;

/// <summary>
/// Alerts when the proxy's loop guard aborts agent tool loops more than Threshold times within Window:
/// one such abort is the guard doing its job, a spike means an agent (or the model) is stuck.
/// Resolved when the count in the window drops below the threshold.
/// </summary>
public sealed class LoopGuardTracker : IAlertEvaluator, IDisposable
{
    public const string Key = "loop-guard";

    private readonly IAlertPublisher _publisher;
    private readonly IIncidentStore _incidents;
    private readonly AlertSuppressions _mutes;
    private readonly LoopGuardAlertOptions _options;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Queue<DateTimeOffset> _recent = new();
    private DateTimeOffset? _openedAt;
    private long? _incidentId;
    private int _total;
    private int _announcedTotal;
    private int _peak;
    private bool _announced;
    private bool _recordedMuted;
    private DateTimeOffset _lastPostAt;

    public LoopGuardTracker(IAlertPublisher publisher, IIncidentStore incidents, AlertSuppressions mutes, IOptions<AlertOptions> options)
    {
        _publisher = publisher;
        _incidents = incidents;
        _mutes = mutes;
        _options = options.Value.LoopGuard;
    }

    public async Task RecordAsync(DateTimeOffset at, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            _recent.Enqueue(at);
            if (_openedAt is not null)
            {
                _total++;
            }

            await EvaluateCoreAsync(at, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task EvaluateAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await EvaluateCoreAsync(now, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task EvaluateCoreAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        while (_recent.Count > 0 && now - _recent.Peek() > _options.Window)
        {
            _recent.Dequeue();
        }

        var inWindow = _recent.Count;
        _peak = Math.Max(_peak, inWindow);
        if (_openedAt is null)
        {
            if (inWindow < _options.Threshold)
            {
                return;
            }

            _openedAt = now;
            _total = inWindow;
            _peak = inWindow;
            _incidentId = await _incidents.OpenAsync(new IncidentOpening(Key, StackService.Proxy, AlertSeverity.Warning, "Loop-guard aborts spiking",
                $"{inWindow} in {AlertText.Duration(_options.Window)}", now, IsOutage: false, DuringMaintenance: false), cancellationToken);
        }
        else if (inWindow < _options.Threshold)
        {
            await ResolveAsync(now, cancellationToken);
            return;
        }

        var mutedBy = _mutes.MutedBy(AlertTarget.Proxy, now);
        if (!_announced)
        {
            if (mutedBy is not null && _recordedMuted)
            {
                return;
            }

            var text = $"⚠️ **Loop-guard aborts spiking**: {inWindow} agent tool loops cut off by the proxy in the last {AlertText.Duration(_options.Window)} "
                + $"(threshold {_options.Threshold}). An agent or the model is likely stuck repeating tool calls.";
            await _publisher.PublishAsync(new Alert(Key, AlertKind.Raised, AlertSeverity.Warning, text, now), mutedBy, cancellationToken);
            _recordedMuted = mutedBy is not null;
            _announced = mutedBy is null;
            _announcedTotal = _total;
            _lastPostAt = now;
        }
        else if (mutedBy is null && _total > _announcedTotal && now - _lastPostAt >= _options.Window)
        {
            var text = $"⚠️ **Loop-guard aborts continue**: {_total} since {AlertText.Time(_openedAt.Value)} ({_total - _announcedTotal} since the last message, {inWindow} in the last {AlertText.Duration(_options.Window)}).";
            await _publisher.PublishAsync(new Alert(Key, AlertKind.Update, AlertSeverity.Warning, text, now), null, cancellationToken);
            _announcedTotal = _total;
            _lastPostAt = now;
        }
    }

    private async Task ResolveAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (_incidentId is { } id)
        {
            await _incidents.ResolveAsync(id, now, _total, cancellationToken);
        }

        if (_announced || _recordedMuted)
        {
            var text = $"✅ **Resolved: loop-guard aborts** back under {_options.Threshold} per {AlertText.Duration(_options.Window)}: {_total} in all since {AlertText.Time(_openedAt!.Value)}, peak {_peak} in one window.";
            await _publisher.PublishAsync(new Alert(Key, AlertKind.Resolved, AlertSeverity.Warning, text, now), _announced ? _mutes.MutedBy(AlertTarget.Proxy, now) : "muted while open", cancellationToken);
        }

        _openedAt = null;
        _incidentId = null;
        _announced = false;
        _recordedMuted = false;
        _total = 0;
        _peak = 0;
    }

    /// <summary>Disposes <c>_gate</c>; the container calls this once the host has stopped.</summary>
    public void Dispose() => _gate.Dispose();
}
