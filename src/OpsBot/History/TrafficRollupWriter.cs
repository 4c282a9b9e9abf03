using OpsBot.Hosting;
using OpsBot.ProxyCore.Events;

namespace OpsBot.History;

/// <summary>Folds completion events into per-minute rows and writes each minute once it is over (and everything at shutdown).</summary>
public sealed partial class TrafficRollupWriter(
    CompletionQueue<TrafficRollupWriter> queue, TrafficStore store, TimeProvider time, ILogger<TrafficRollupWriter> logger)
    : CompletionConsumer<TrafficRollupWriter>(queue)
{
    private static readonly TimeSpan FlushInterval = TimeSpan.FromSeconds(20);

    private readonly TrafficRollup _rollup = new();
    private readonly Lock _lock = new();

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        // The loop has ended: what it had not reached yet is still counted.
        await DrainAsync(cancellationToken);
        await FlushAsync(all: true, cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var consume = base.ExecuteAsync(stoppingToken);
        using var timer = new PeriodicTimer(FlushInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await FlushAsync(all: false, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        await consume;
    }

    protected override ValueTask HandleAsync(CompletionEvent completion, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _rollup.Add(completion);
        }

        return ValueTask.CompletedTask;
    }

    private async Task FlushAsync(bool all, CancellationToken cancellationToken)
    {
        IReadOnlyList<TrafficMinute> minutes;
        lock (_lock)
        {
            minutes = _rollup.TakeCompleted(all ? null : time.GetUtcNow());
        }

        if (minutes.Count > 0 && !await store.AddAsync(minutes, cancellationToken))
        {
            LogDropped(logger, minutes.Count);
        }
    }

    [LoggerMessage(EventId = OpsBotEventIds.TrafficRollupWriterDropped, Level = LogLevel.Warning, Message = "Traffic roll-up: {Minutes} minute(s) not recorded, history is unavailable")]
    private static partial void LogDropped(ILogger logger, int minutes);
}
