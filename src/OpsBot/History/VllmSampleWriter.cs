using OpsBot.Ops.Probes;

namespace OpsBot.History;

/// <summary>
/// Turns the probe's <c>/metrics</c> samples into <see cref="VllmSample"/>s (generation throughput from the counter's
/// rate between consecutive samples) and records each in its minute.
/// </summary>
public sealed partial class VllmSampleWriter(VllmSampleObserver observer, VllmSampleStore store, ILogger<VllmSampleWriter> logger) : BackgroundService
{
    private readonly VllmSampleObserver _observer = observer;
    private readonly VllmSampleStore _store = store;
    private readonly ILogger<VllmSampleWriter> _logger = logger;
    private (DateTimeOffset At, double Total)? _previous;
    private bool _dropLogged;

    /// <summary>The sample to record for <paramref name="metrics"/>, given the previous counter reading. Not thread-safe (one reader).</summary>
    internal VllmSample ToSample(DateTimeOffset at, VllmMetrics metrics)
    {
        double? tokens = null, seconds = null;
        if (metrics.GenerationTokensTotal is { } total)
        {
            // A counter that went down belongs to a restarted vLLM: no rate across the restart, count from here.
            if (_previous is { } previous && total >= previous.Total && at > previous.At)
            {
                tokens = total - previous.Total;
                seconds = (at - previous.At).TotalSeconds;
            }

            _previous = (at, total);
        }

        return new VllmSample(at, metrics.KvCacheUsage, metrics.RequestsRunning, metrics.RequestsWaiting, tokens, seconds);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var (at, metrics) in _observer.Reader.ReadAllAsync(stoppingToken))
            {
                if (await _store.AddAsync(ToSample(at, metrics), stoppingToken))
                {
                    _dropLogged = false;
                }
                else if (!_dropLogged)
                {
                    // Once per outage: history says why it is unavailable itself.
                    _dropLogged = true;
                    LogDropped(_logger);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(EventId = OpsBotEventIds.VllmSampleWriterDropped, Level = LogLevel.Warning, Message = "vLLM samples are not recorded while history is unavailable")]
    private static partial void LogDropped(ILogger logger);
}
