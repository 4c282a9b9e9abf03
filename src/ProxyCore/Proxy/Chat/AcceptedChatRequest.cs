using System.Text.Json;
using OpsBot.ProxyCore.Proxy.RequestBodies;
using OpsBot.ProxyCore.Proxy.Upstream;

namespace OpsBot.ProxyCore.Proxy.Chat;

/// <summary>
/// A chat request that passed <see cref="ChatRequestReader"/>: its bytes (pooled, held until the answer is done, since a
/// restart retry or the stream fallback sends them again), the document <see cref="Request"/> reads from, and what vLLM
/// needs changed in it.
/// </summary>
internal sealed class AcceptedChatRequest(RequestBody body, JsonDocument document, ChatRequest request) : IDisposable
{
    public ChatRequest Request { get; } = request;

    /// <summary>The client's body as it arrived; <see cref="Request"/> points into it.</summary>
    public ReadOnlyMemory<byte> Body => body.Memory;

    /// <summary>What vLLM needs changed in it, set by <see cref="ChatRequestReader.Normalize"/>.</summary>
    public NormalizationReport Report { get; set; }

    /// <summary>The body for vLLM: the client's bytes with only what must change spliced in.</summary>
    public UpstreamBody UpstreamBody(bool stream, bool forceUsage = false) =>
        UpstreamBodyWriter.Write(Request.Root, Body, stream, forceUsage, Report);

    /// <summary>The body that asks vLLM, without streaming, to carry on an answer whose first <paramref name="sent"/> the client already has.</summary>
    public UpstreamBody ContinuationBody(string sent) =>
        UpstreamBodyWriter.Write(Request.Root, Body, stream: false, report: Report, continuation: sent);

    public void Dispose()
    {
        document.Dispose();
        body.Dispose();
    }
}
