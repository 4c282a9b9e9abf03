namespace OpsBot.ProxyCore.Proxy;

/// <summary>Bytes of <see cref="RequestBodyBudget"/> held by one request; dispose to return them.</summary>
public sealed class RequestBodyLease : IDisposable
{
    private RequestBodyBudget? _budget;

    internal RequestBodyLease(RequestBodyBudget budget, long bytes)
    {
        _budget = budget;
        Bytes = bytes;
    }

    public long Bytes { get; private set; }

    /// <summary>Adds bytes to this lease at once, even past the budget.</summary>
    public void Grow(long bytes)
    {
        ObjectDisposedException.ThrowIf(_budget is null, this);
        _budget.Overdraw(bytes);
        Bytes += bytes;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _budget, null) is { } budget)
        {
            budget.Release(Bytes);
        }
    }
}
