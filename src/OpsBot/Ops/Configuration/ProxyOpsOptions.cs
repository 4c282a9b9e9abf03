namespace OpsBot.Ops.Configuration;

/// <summary>How Ops reaches the in-process proxy over HTTP (section <c>Ops:Proxy</c>).</summary>
public sealed class ProxyOpsOptions
{
    public const string SectionName = "Ops:Proxy";

    /// <summary>
    /// Where Ops reaches the proxy over HTTP. Unset means the in-process listener's own address
    /// (<see cref="IProxyListener.LocalAddress"/>), or http://127.0.0.1:8003 while it is stopped.
    /// </summary>
    public Uri? BaseUrl { get; set; }

    public static Uri DefaultBaseUrl { get; } = new("http://127.0.0.1:8003");

    public Uri ResolveBaseUrl(IProxyListener listener) => BaseUrl ?? listener.LocalAddress ?? DefaultBaseUrl;

    /// <summary>Model for the ProxyDirect smoke test; empty means the first id from the proxy's /v1/models.</summary>
    public string? SmokeModel { get; set; }

    public TimeSpan SmokeTestTimeout { get; set; } = TimeSpan.FromSeconds(90);

    public TimeSpan RestartReadyTimeout { get; set; } = TimeSpan.FromSeconds(20);

    public TimeSpan ReadyPollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Lines of ProxyCore log kept in memory for /logs proxy.</summary>
    public int LogBufferCapacity { get; set; } = 2000;
}
