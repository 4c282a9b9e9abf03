namespace OpsBot.ProxyCore.Proxy.RequestBodies;

/// <summary>Bytes of <see cref="RequestBodyBudget"/> held by one request; dispose to return them.</summary>
internal sealed class RequestBodyLease : IDisposable
{
    private RequestBodyBudget? _budget;

    internal RequestBodyLease(RequestBodyBudget budget, long bytes, long sequence)
    {
        _budget = budget;
        Bytes = bytes;
        Sequence = sequence;
    }

    /// <summary>Changed by the budget under its lock while a growth is granted, by the owner otherwise.</summary>
    public long Bytes { get; internal set; }

    /// <summary>Order of acquisition: the older lease grows first.</summary>
    internal long Sequence { get; }

    /// <summary>Adds bytes for a body that outgrew its lease, waiting for them by the budget's growth rules.</summary>
    public ValueTask GrowAsync(long bytes, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        ObjectDisposedException.ThrowIf(_budget is null, this);
        return _budget.GrowAsync(this, bytes, cancellationToken);
    }

    /// <summary>Gives part of the lease back (the buffer a grown body was copied out of).</summary>
    public void Shrink(long bytes)
    {
        ObjectDisposedException.ThrowIf(_budget is null, this);
        bytes = Math.Min(bytes, Bytes);
        Bytes -= bytes;
        _budget.Release(bytes);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _budget, null) is { } budget)
        {
            budget.Release(Bytes);
        }
    }
}
