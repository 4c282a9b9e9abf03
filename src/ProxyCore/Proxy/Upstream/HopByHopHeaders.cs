namespace OpsBot.ProxyCore.Proxy.Upstream;

/// <summary>Headers that describe one connection, not the message, and so are never forwarded (RFC 9110 §7.6.1).</summary>
internal static class HopByHopHeaders
{
    private static readonly HashSet<string> Names = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Proxy-Authenticate", "Proxy-Authorization", "Proxy-Connection",
        "TE", "Trailer", "Transfer-Encoding", "Upgrade",
        // Not hop-by-hop, but the proxy sets them itself.
        "Host", "Content-Length",
    };

    public static bool IsExcluded(string name) => Names.Contains(name);
}
