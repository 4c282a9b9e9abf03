namespace OpsBot.Discord.Rest;

/// <summary>
/// The state Discord reports for one bucket. Requests on a bucket are serialized through <see cref="Gate"/>
/// so "remaining" is never overdrawn by concurrent callers.
/// </summary>
public sealed class RateLimitBucket
{
    /// <summary>
    /// Waited past a reported reset: Discord's window and our clock are measured apart (its reset is rounded to the
    /// millisecond and read on a different clock), and a request landing a hair early is a 429. discord.js's REST
    /// client waits the same extra 50 ms (its <c>offset</c> option).
    /// </summary>
    internal static readonly TimeSpan ResetMargin = TimeSpan.FromMilliseconds(50);

    private readonly Lock _lock = new();
    private int? _remaining;
    private DateTimeOffset _resetAt = DateTimeOffset.MinValue;

    internal SemaphoreSlim Gate { get; } = new(1, 1);

    internal DateTimeOffset LastUsed { get; set; }

    public int? Limit { get; private set; }

    public int? Remaining
    {
        get { lock (_lock) { return _remaining; } }
    }

    public DateTimeOffset ResetAt
    {
        get { lock (_lock) { return _resetAt; } }
    }

    /// <summary>How long a request must wait before it may go out (zero when it may go now).</summary>
    public TimeSpan GetWait(DateTimeOffset now)
    {
        lock (_lock)
        {
            if (_remaining is 0)
            {
                if (_resetAt > now)
                {
                    return _resetAt - now;
                }

                // The window has passed: the next response tells us the new remaining count.
                _remaining = null;
            }

            return TimeSpan.Zero;
        }
    }

    /// <summary>Counts a request against the bucket before it is sent, so back-to-back callers see the decrement.</summary>
    public void Consume()
    {
        lock (_lock)
        {
            if (_remaining > 0)
            {
                _remaining--;
            }
        }
    }

    public void Apply(RateLimitHeaders headers, DateTimeOffset now)
    {
        lock (_lock)
        {
            if (headers.Limit is { } limit)
            {
                Limit = limit;
            }

            if (headers.Remaining is { } remaining)
            {
                _remaining = remaining;
            }

            if (headers.ResetAfter is { } resetAfter)
            {
                _resetAt = now + resetAfter + ResetMargin;
            }
        }
    }

    /// <summary>A 429 on this bucket: nothing may go out until <paramref name="until"/>.</summary>
    public void Block(DateTimeOffset until)
    {
        lock (_lock)
        {
            _remaining = 0;
            if (until > _resetAt)
            {
                _resetAt = until;
            }
        }
    }
}
