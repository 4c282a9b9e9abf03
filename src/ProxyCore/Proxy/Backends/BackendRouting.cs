namespace OpsBot.ProxyCore.Proxy.Backends;

/// <summary><c>Proxy:Routing</c>: how a request's backend is chosen among the healthy ones it has not tried yet.</summary>
public enum BackendRouting
{
    /// <summary>A conversation's rendezvous favourite, spilling to the least loaded when it is saturated (docs/backends.md).</summary>
    Affinity,

    /// <summary>The fewest requests outstanding, ties in turn; ignores the conversation.</summary>
    LeastOutstanding,

    /// <summary>Each backend in turn; ignores the conversation and the load.</summary>
    RoundRobin,
}
