namespace OpsBot.ProxyCore.Proxy.Backends;

/// <summary>
/// The backend that answered this request's last upstream call, set on the client's HttpContext by
/// <see cref="UpstreamSender"/> so the completion event, metrics and logs can name it.
/// </summary>
public sealed class UpstreamBackendFeature
{
    public UpstreamBackendFeature(VllmBackend backend) => Backend = backend;

    public VllmBackend Backend { get; }
}
