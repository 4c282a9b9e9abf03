namespace OpsBot.ProxyCore.Proxy;

/// <summary>How a streaming chat request that declares tools is answered.</summary>
public enum ToolStreamingMode
{
    /// <summary>v4: ask vLLM without streaming, recover tool calls from the whole answer, re-wrap as SSE.</summary>
    Buffer,
    /// <summary>Stream from vLLM, forward text as it arrives, hold back only what may be a tool call.</summary>
    Stream,
}
