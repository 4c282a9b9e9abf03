using OpsBot.ProxyCore.Events;

namespace OpsBot.History;

/// <summary>Accumulates completion events into per-minute buckets until they are flushed. Not thread-safe.</summary>
public sealed class TrafficRollup
{
    private readonly SortedDictionary<long, Bucket> _buckets = new();

    public int PendingMinutes => _buckets.Count;

    public void Add(CompletionEvent completion)
    {
        var minute = completion.At.ToUnixTimeSeconds() / 60;
        if (!_buckets.TryGetValue(minute, out var bucket))
        {
            bucket = new Bucket();
            _buckets.Add(minute, bucket);
        }

        var latencyMs = (long)completion.Latency.TotalMilliseconds;
        bucket.Requests++;
        bucket.Failed += completion.Failed ? 1 : 0;
        bucket.Empty += completion.EmptyAnswer ? 1 : 0;
        bucket.LoopGuard += completion.Path == CompletionPath.LoopGuard ? 1 : 0;
        bucket.Streamed += completion.Streamed ? 1 : 0;
        bucket.PromptTokens += completion.PromptTokens ?? 0;
        bucket.CompletionTokens += completion.CompletionTokens ?? 0;
        bucket.LatencyMsTotal += latencyMs;
        bucket.LatencyMsMax = Math.Max(bucket.LatencyMsMax, latencyMs);
        bucket.Latency.Add(completion.Latency);
        if (completion is { Streamed: true, Failed: false, EmptyAnswer: false, TimeToFirstByte: { } firstByte })
        {
            bucket.TimeToFirstToken.Add(firstByte);
        }
    }

    /// <summary>Removes and returns the minutes that ended before <paramref name="now"/> (all of them when null).</summary>
    public IReadOnlyList<TrafficMinute> TakeCompleted(DateTimeOffset? now)
    {
        var current = now is { } n ? n.ToUnixTimeSeconds() / 60 : long.MaxValue;
        var done = _buckets.Where(b => b.Key < current).ToList();
        foreach (var (key, _) in done)
        {
            _buckets.Remove(key);
        }

        return done.Select(b => new TrafficMinute(DateTimeOffset.FromUnixTimeSeconds(b.Key * 60), b.Value.Requests, b.Value.Failed, b.Value.Empty,
            b.Value.LoopGuard, b.Value.Streamed, b.Value.PromptTokens, b.Value.CompletionTokens, b.Value.LatencyMsTotal, b.Value.LatencyMsMax,
            b.Value.Latency, b.Value.TimeToFirstToken)).ToList();
    }

    private sealed class Bucket
    {
        public int Requests;
        public int Failed;
        public int Empty;
        public int LoopGuard;
        public int Streamed;
        public long PromptTokens;
        public long CompletionTokens;
        public long LatencyMsTotal;
        public long LatencyMsMax;
        public readonly LatencyHistogram Latency = new();
        public readonly LatencyHistogram TimeToFirstToken = new();
    }
}
