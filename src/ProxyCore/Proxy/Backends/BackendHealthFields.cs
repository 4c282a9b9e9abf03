namespace OpsBot.ProxyCore.Proxy.Backends;

/// <summary>
/// <c>/health</c>'s <c>upstreams</c>: each backend's state, only with several backends (one URL keeps the Python
/// proxy's body exactly).
/// </summary>
public sealed class BackendHealthFields : IHealthFieldSource
{
    private readonly VllmBackends _backends;

    public BackendHealthFields(VllmBackends backends) => _backends = backends;

    public void AddFields(IDictionary<string, object?> body)
    {
        if (!_backends.IsMultiple)
        {
            return;
        }

        body["upstreams"] = _backends.Snapshot().Select(backend => new Dictionary<string, object?>
        {
            ["name"] = backend.Name,
            ["url"] = backend.Url,
            ["state"] = backend.State,
            ["outstanding"] = backend.Outstanding,
            ["served"] = backend.Served,
            ["last_error"] = backend.LastError,
        }).ToArray();
    }
}
