namespace OpsBot.Discord.Rest;

/// <summary>The right to send one request on a bucket; dispose after the response has been applied.</summary>
public sealed class RateLimitLease : IDisposable
{
    private int _disposed;

    internal RateLimitLease(RateLimitBucket bucket) => Bucket = bucket;

    public RateLimitBucket Bucket { get; }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            Bucket.Gate.Release();
        }
    }
}
