using System.Text.Json;
using OpsBot.ProxyCore.Proxy.Upstream;

namespace OpsBot.ProxyCore.Proxy.Sse;

/// <summary>
/// Turns a complete (non-streaming) answer into the chunk sequence an OpenAI streaming client
/// expects: role, content, one chunk per tool call, finish, usage, <c>[DONE]</c>.
/// </summary>
internal static class SseRewrapper
{
    /// <param name="preambleSent">
    /// The role chunk and text already reached the client (a streamed answer that fell back to this
    /// path): send only what is still missing, the tool calls and the end of the stream.
    /// </param>
    public static async Task WriteAsync(Stream body, UpstreamCompletion completion, TimeProvider time, CancellationToken cancellationToken, bool preambleSent = false)
    {
        using var emitter = new SseChunkEmitter(body, ChunkHeader.From(completion.Root, time)) { Defer = true };
        foreach (var choice in completion.Choices)
        {
            if (!preambleSent)
            {
                await emitter.RoleAsync(choice.Index, cancellationToken);
                if (!string.IsNullOrEmpty(choice.Content))
                {
                    await emitter.ContentAsync(choice.Index, choice.Content, cancellationToken);
                }
            }

            for (var i = 0; i < choice.ToolCalls.Count; i++)
            {
                await emitter.ToolCallAsync(choice.Index, choice.ToolCalls[i], i, cancellationToken);
            }

            await emitter.FinishAsync(choice.Index, choice.FinishReason ?? "stop", cancellationToken);
        }

        // v4 always sent usage when vLLM gave it; clients that did not ask ignore it.
        if (completion.Root.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object)
        {
            await emitter.UsageAsync(usage, cancellationToken);
        }

        await emitter.DoneAsync(cancellationToken);
    }
}
