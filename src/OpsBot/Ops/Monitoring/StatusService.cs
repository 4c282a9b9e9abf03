using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpsBot.Ops.Configuration;
using OpsBot.Ops.Security;

namespace OpsBot.Ops.Monitoring;

/// <summary>
/// Holds the latest snapshot. /status answers from it; with no snapshot yet, or one older than two
/// monitor intervals (monitor disabled or stuck), it probes on the spot.
/// </summary>
public sealed partial class StatusService : IStatusService, IDisposable
{
    private readonly StackProber _prober;
    private readonly HealthHistory _history;
    private readonly SecretRedactor _redactor;
    private readonly MonitorOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<StatusService> _logger;
    private readonly SemaphoreSlim _probeGate = new(1, 1);
    private readonly HealthTransitionTracker _tracker;
    private volatile StackStatus? _current;

    public StatusService(
        StackProber prober, HealthHistory history, SecretRedactor redactor, IOptions<MonitorOptions> options, TimeProvider time, ILogger<StatusService> logger)
    {
        _prober = prober;
        _history = history;
        _redactor = redactor;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _tracker = new HealthTransitionTracker(_options.ConfirmationProbes);
    }

    public StackStatus? Current => _current;

    public async Task<StackStatus> GetStatusAsync(CancellationToken cancellationToken)
    {
        if (_current is { } current && !IsStale(current))
        {
            return current;
        }

        await _probeGate.WaitAsync(cancellationToken);
        try
        {
            // Another caller may have refreshed while this one waited.
            if (_current is { } fresh && !IsStale(fresh))
            {
                return fresh;
            }

            return await RefreshCoreAsync(cancellationToken);
        }
        finally
        {
            _probeGate.Release();
        }
    }

    /// <summary>Probes now, stores the snapshot and publishes transitions (called by the monitor each tick).</summary>
    public async Task<StackStatus> RefreshAsync(CancellationToken cancellationToken)
    {
        await _probeGate.WaitAsync(cancellationToken);
        try
        {
            return await RefreshCoreAsync(cancellationToken);
        }
        finally
        {
            _probeGate.Release();
        }
    }

    private async Task<StackStatus> RefreshCoreAsync(CancellationToken cancellationToken)
    {
        var probed = await _prober.ProbeAsync(cancellationToken);
        var status = probed with { Services = probed.Services.Select(Redact).ToArray() };
        _current = status;
        foreach (var transition in _tracker.Observe(status))
        {
            LogTransition(StackServiceNames.Plain(transition.Service, transition.Target), transition.From?.ToString() ?? "(start)", transition.To, transition.Summary);
            _history.Publish(transition);
        }

        return status;
    }

    private ServiceStatus Redact(ServiceStatus s) => s with
    {
        Summary = _redactor.Redact(s.Summary),
        Details = s.Details.Select(d => new KeyValuePair<string, string>(d.Key, _redactor.Redact(d.Value))).ToArray(),
    };

    private bool IsStale(StackStatus status) => _time.GetUtcNow() - status.TakenAt > _options.Interval * 2;

    [LoggerMessage(EventId = OpsBotEventIds.StatusServiceTransition, Level = LogLevel.Information, Message = "{Service}: {From} -> {To} ({Summary})")]
    private partial void LogTransition(string service, string from, HealthState to, string summary);

    /// <summary>Disposes <c>_probeGate</c>; the container calls this once the host has stopped.</summary>
    public void Dispose() => _probeGate.Dispose();
}
