namespace OpsBot.ProxyCore.Proxy.Backends;

/// <summary>Whether a backend gets new requests; shown in <c>/health</c>'s <c>upstreams</c>.</summary>
public enum BackendHealth
{
    /// <summary>Answering, or not known to fail: gets requests.</summary>
    Healthy,

    /// <summary>A request found it refusing connections or failing with 5xx; no new requests until the cool-down ends or a probe succeeds.</summary>
    CoolingDown,

    /// <summary>Its last <c>/health</c> probe failed; no new requests until a probe or a request succeeds.</summary>
    Down,
}
