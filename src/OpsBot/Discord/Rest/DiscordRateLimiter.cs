using System.Collections.Concurrent;

namespace OpsBot.Discord.Rest;

/// <summary>
/// Client-side REST rate limiting driven only by Discord's headers (limits are never hard-coded):
/// buckets are keyed by route + major parameter until Discord names the bucket, then by that name + major parameter
/// so routes sharing a bucket share its state; a global 429 pauses every route except interaction/webhook-token ones.
/// </summary>
public sealed class DiscordRateLimiter(TimeProvider time)
{
    private const int PurgeThreshold = 512;
    private static readonly TimeSpan IdleBucketLifetime = TimeSpan.FromMinutes(10);

    private readonly ConcurrentDictionary<string, string> _bucketNames = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, RateLimitBucket> _buckets = new(StringComparer.Ordinal);
    private long _globalResetUtcTicks;

    public DateTimeOffset GlobalResetAt => new(Interlocked.Read(ref _globalResetUtcTicks), TimeSpan.Zero);

    /// <summary>Waits until the route may send, then holds its bucket until the lease is disposed.</summary>
    public async ValueTask<RateLimitLease> AcquireAsync(DiscordRoute route, CancellationToken cancellationToken)
    {
        var bucket = GetBucket(route);
        await bucket.Gate.WaitAsync(cancellationToken);
        try
        {
            while (true)
            {
                var now = time.GetUtcNow();
                var wait = bucket.GetWait(now);
                if (!route.ExemptFromGlobalLimit)
                {
                    var global = GlobalResetAt - now;
                    if (global > wait)
                    {
                        wait = global;
                    }
                }

                if (wait <= TimeSpan.Zero)
                {
                    break;
                }

                await Task.Delay(wait, time, cancellationToken);
            }

            bucket.Consume();
            bucket.LastUsed = time.GetUtcNow();
            return new RateLimitLease(bucket);
        }
        catch
        {
            bucket.Gate.Release();
            throw;
        }
    }

    /// <summary>Applies a response's headers to the route's bucket (learning the bucket name on first sight).</summary>
    public void Update(DiscordRoute route, RateLimitLease lease, RateLimitHeaders headers)
    {
        var now = time.GetUtcNow();
        if (headers.Bucket is { Length: > 0 } name)
        {
            _bucketNames[route.RouteKey] = name;
        }

        var current = GetBucket(route);
        current.Apply(headers, now);
        if (!ReferenceEquals(current, lease.Bucket))
        {
            // Callers already queued on the provisional bucket must see the same limits.
            lease.Bucket.Apply(headers, now);
        }
    }

    /// <summary>A 429: block the bucket (or everything, for a global limit) for <paramref name="retryAfter"/>.</summary>
    public void OnRateLimited(DiscordRoute route, RateLimitLease lease, TimeSpan retryAfter, bool global)
    {
        var until = time.GetUtcNow() + retryAfter;
        if (global)
        {
            long current;
            do
            {
                current = Interlocked.Read(ref _globalResetUtcTicks);
                if (until.UtcTicks <= current)
                {
                    return;
                }
            }
            while (Interlocked.CompareExchange(ref _globalResetUtcTicks, until.UtcTicks, current) != current);
            return;
        }

        GetBucket(route).Block(until);
        lease.Bucket.Block(until);
    }

    internal RateLimitBucket GetBucket(DiscordRoute route)
    {
        var name = _bucketNames.TryGetValue(route.RouteKey, out var known) ? known : route.RouteKey;
        var key = string.Concat(name, "|", route.MajorParameter);
        if (_buckets.Count > PurgeThreshold)
        {
            PurgeIdleBuckets();
        }

        return _buckets.GetOrAdd(key, static _ => new RateLimitBucket());
    }

    private void PurgeIdleBuckets()
    {
        // Webhook-token buckets are one per interaction; drop the ones nobody has used for a while.
        var cutoff = time.GetUtcNow() - IdleBucketLifetime;
        foreach (var (key, bucket) in _buckets)
        {
            if (bucket.LastUsed < cutoff && bucket.Gate.CurrentCount == 1 && bucket.ResetAt < cutoff)
            {
                _buckets.TryRemove(key, out _);
            }
        }
    }
}
