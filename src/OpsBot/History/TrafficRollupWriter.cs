namespace OpsBot.History;

/// <summary>Folds completion events into per-minute rows and writes each minute once it is over (and everything at shutdown).</summary>
public sealed partial class TrafficRollupWriter : BackgroundService
{
    private static readonly TimeSpan FlushInterval = TimeSpan.FromSeconds(20);

    private readonly TrafficRollupObserver _observer;
    private readonly TrafficStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger<TrafficRollupWriter> _logger;
    private readonly TrafficRollup _rollup = new();
    private readonly Lock _lock = new();

    public TrafficRollupWriter(TrafficRollupObserver observer, TrafficStore store, TimeProvider time, ILogger<TrafficRollupWriter> logger)
    {
        _observer = observer;
        _store = store;
        _time = time;
        _logger = logger;
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        Drain();
        await FlushAsync(all: true, cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(FlushInterval, _time);
        var consume = ConsumeAsync(stoppingToken);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                Drain();
                await FlushAsync(all: false, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        await consume;
    }

    private async Task ConsumeAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await _observer.Reader.WaitToReadAsync(stoppingToken))
            {
                Drain();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private void Drain()
    {
        lock (_lock)
        {
            while (_observer.Reader.TryRead(out var completion))
            {
                _rollup.Add(completion);
            }
        }
    }

    private async Task FlushAsync(bool all, CancellationToken cancellationToken)
    {
        IReadOnlyList<TrafficMinute> minutes;
        lock (_lock)
        {
            minutes = _rollup.TakeCompleted(all ? null : _time.GetUtcNow());
        }

        if (minutes.Count > 0 && !await _store.AddAsync(minutes, cancellationToken))
        {
            LogDropped(_logger, minutes.Count);
        }
    }

    [LoggerMessage(EventId = 720, Level = LogLevel.Warning, Message = "Traffic roll-up: {Minutes} minute(s) not recorded, history is unavailable")]
    private static partial void LogDropped(ILogger logger, int minutes);
}
