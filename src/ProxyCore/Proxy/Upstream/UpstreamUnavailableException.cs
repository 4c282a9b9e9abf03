namespace OpsBot.ProxyCore.Proxy.Upstream;

/// <summary>vLLM could not be reached for the whole wait window, or too many requests were already waiting.</summary>
internal sealed class UpstreamUnavailableException : Exception
{
    public UpstreamUnavailableException(TimeSpan waited, Exception inner, bool retried = false, bool queueFull = false)
        : base(queueFull
            ? "vLLM is down and too many requests are already waiting for it (Proxy:MaxWaitingRequests)."
            : retried
                ? $"vLLM did not come back within {waited.TotalSeconds:0} s (Proxy:UpstreamWait): {inner.Message}"
                : $"vLLM is unreachable: {inner.Message}", inner)
    {
        Waited = waited;
        QueueFull = queueFull;
        Retried = retried || queueFull;
    }

    /// <summary>True when the request waited for vLLM (503 to the client) rather than failing at once (502, as v4 did).</summary>
    public bool Retried { get; }

    public TimeSpan Waited { get; }

    public bool QueueFull { get; }
}
