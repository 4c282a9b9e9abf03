namespace OpsBot.ProxyCore.Proxy.Upstream;

/// <summary>The named HttpClient that talks to vLLM.</summary>
public static class UpstreamHttp
{
    public const string ClientName = "vllm";

    /// <summary>
    /// Connection pooling without limits (vLLM queues requests itself), no system proxy (vLLM is
    /// local), and no client-level timeout: the proxy applies its own per request. No draining: a
    /// response abandoned early (the client left) must close its connection at once so vLLM aborts
    /// the generation, instead of generating on for the handler's drain timeout.
    /// </summary>
    public static SocketsHttpHandler CreateHandler() => new()
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = System.Net.DecompressionMethods.All,
        UseCookies = false,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2),
        ConnectTimeout = TimeSpan.FromSeconds(10),
        EnableMultipleHttp2Connections = true,
        MaxResponseDrainSize = 0,
    };
}
