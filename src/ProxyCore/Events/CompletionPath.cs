using OpsBot.ProxyCore.Proxy.Chat;

namespace OpsBot.ProxyCore.Events;

/// <summary>Which way the proxy handled a chat completion.</summary>
public enum CompletionPath
{
    /// <summary>Streaming request without tools, streamed through as vLLM sent it.</summary>
    StreamPassthrough,
    /// <summary>Non-streaming request forwarded, then cleaned (and tool calls extracted when tools were present).</summary>
    Json,
    /// <summary>Streaming request with tools: asked vLLM without streaming, re-wrapped as SSE (v4).</summary>
    Rewrapped,
    /// <summary>Streaming request with tools answered from a vLLM stream, text forwarded as it arrived.</summary>
    Streamed,
    /// <summary>The loop guard answered without calling vLLM.</summary>
    LoopGuard,
    /// <summary>vLLM answered with an error status, passed through.</summary>
    UpstreamError,
    /// <summary>vLLM could not be reached or did not answer in time.</summary>
    UpstreamUnavailable,
    /// <summary>The client sent something the proxy could not forward.</summary>
    BadRequest,
}
