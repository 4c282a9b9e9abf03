namespace OpsBot.Alerts;

/// <summary>
/// The pipeline every alert feed follows: take the last registered <typeparamref name="TSource"/> (none: one log line
/// and that feed is off), then read it in rounds until the host stops, <see cref="Pause"/> apart. A round that throws
/// is handed to <see cref="OnReadFailed"/>, saying whether it starts a streak, and the feed goes on with the next round;
/// the first round that works after a streak calls <see cref="OnReadRecovered"/>.
/// </summary>
public abstract class AlertFeed<TSource>(IEnumerable<TSource> sources, TimeProvider time) : BackgroundService where TSource : class
{
    private readonly TSource? _source = sources.LastOrDefault();
    private bool _failing;

    protected TimeProvider Time => time;

    /// <summary>The time between rounds.</summary>
    protected abstract TimeSpan Pause { get; }

    /// <summary>
    /// True: <see cref="Pause"/> runs from the start of a round (a poll on a fixed beat); false: from its end (a
    /// subscription that broke is not taken up again at once).
    /// </summary>
    protected abstract bool PauseFromRoundStart { get; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_source is null)
        {
            OnNoSource();
            return;
        }

        try
        {
            await OnStartingAsync(stoppingToken);
            while (true)
            {
                var started = time.GetTimestamp();
                await RoundAsync(stoppingToken);
                var pause = PauseFromRoundStart ? Pause - time.GetElapsedTime(started) : Pause;
                if (pause > TimeSpan.Zero)
                {
                    await Task.Delay(pause, time, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One round of reading; what it throws is reported, not thrown (but the host's cancellation).</summary>
    /// <returns>What <see cref="ReadAsync"/> handed on, 0 when it failed.</returns>
    protected async Task<int> RoundAsync(CancellationToken cancellationToken)
    {
        int handled;
        try
        {
            handled = await ReadAsync(_source!, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            OnReadFailed(ex, firstOfStreak: !_failing);
            _failing = true;
            return 0;
        }

        if (_failing)
        {
            _failing = false;
            OnReadRecovered();
        }

        return handled;
    }

    /// <summary>Before the first round.</summary>
    protected virtual Task OnStartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Reads the source once and hands what it found to the tracker.</summary>
    /// <returns>How many items were handed on.</returns>
    protected abstract Task<int> ReadAsync(TSource source, CancellationToken cancellationToken);

    protected abstract void OnNoSource();

    protected abstract void OnReadFailed(Exception exception, bool firstOfStreak);

    protected virtual void OnReadRecovered()
    {
    }
}
