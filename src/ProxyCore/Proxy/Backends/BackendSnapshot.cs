namespace OpsBot.ProxyCore.Proxy.Backends;

/// <summary>One vLLM backend as <c>/health</c>'s <c>upstreams</c> and <c>/status</c> show it.</summary>
/// <param name="Name"><c>host:port</c>: the name in metrics, events and alerts.</param>
/// <param name="Url">Its base URL, user info masked.</param>
/// <param name="State"><c>healthy</c>, <c>cooling_down</c> (a request found it failing) or <c>down</c> (its <c>/health</c> probe failed).</param>
/// <param name="Outstanding">Requests sent to it whose answer is not relayed to the end yet.</param>
/// <param name="Served">Requests it answered since the proxy started.</param>
/// <param name="LastError">Why it last counted as failing, or null.</param>
public sealed record BackendSnapshot(string Name, string Url, string State, int Outstanding, long Served, string? LastError)
{
    public const string Healthy = "healthy";

    public static BackendSnapshot Of(VllmBackend backend) => new(
        backend.Name,
        backend.DisplayUri.ToString(),
        backend.Health switch
        {
            BackendHealth.Healthy => Healthy,
            BackendHealth.CoolingDown => "cooling_down",
            _ => "down",
        },
        backend.Outstanding,
        backend.Served,
        backend.LastError);
}
