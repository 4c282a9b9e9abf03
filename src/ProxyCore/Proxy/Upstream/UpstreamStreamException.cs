namespace OpsBot.ProxyCore.Proxy.Upstream;

/// <summary>vLLM's event stream broke its framing: a line that is not SSE, or one larger than <see cref="ProxyOptions.MaxSseEventBytes"/>.</summary>
internal sealed class UpstreamStreamException(string message) : Exception(message);
