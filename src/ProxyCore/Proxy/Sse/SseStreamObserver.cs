using System.Text.Json;
using OpsBot.ProxyCore.Proxy.Upstream;

namespace OpsBot.ProxyCore.Proxy.Sse;

/// <summary>
/// Watches an SSE stream as <see cref="SseRelay"/> forwards it, without changing it, to learn what the completion
/// event needs: tokens from the usage chunk, whether any content or tool call arrived, and an in-band error event
/// (vLLM keeps HTTP 200 when it fails mid-stream). It also judges each payload: one that is not valid text or not
/// JSON ends the relay, since no OpenAI client could read it.
/// </summary>
internal sealed class SseStreamObserver
{
    public int? PromptTokens { get; private set; }
    public int? CompletionTokens { get; private set; }
    public int ContentLength { get; private set; }
    public int ToolCalls { get; private set; }
    public bool SawDone { get; private set; }
    public int Events { get; private set; }

    /// <summary>vLLM's in-band error event, or why the proxy cut the stream.</summary>
    public string? Error { get; internal set; }

    /// <summary>Timestamp (TimeProvider ticks) of the first bytes relayed to the client.</summary>
    public long? FirstByteAt { get; internal set; }

    /// <summary>Reads one <c>data:</c> payload.</summary>
    /// <returns>Null when it may go to the client; otherwise why the stream cannot be relayed further.</returns>
    public string? OnData(ReadOnlySpan<byte> payload)
    {
        Events++;
        if (payload.SequenceEqual("[DONE]"u8))
        {
            SawDone = true;
            return null;
        }

        if (!JsonTextValidity.IsValid(payload))
        {
            return "vLLM sent an event that is not valid UTF-8 text.";
        }

        try
        {
            var reader = new Utf8JsonReader(payload);
            using var document = JsonDocument.ParseValue(ref reader);
            if (reader.BytesConsumed != payload.Length && !payload[(int)reader.BytesConsumed..].Trim(" \t\r"u8).IsEmpty)
            {
                throw new JsonException("trailing data");
            }

            Inspect(document.RootElement);
            return null;
        }
        catch (JsonException)
        {
            return $"vLLM sent an event that is not JSON ('{SseLines.Excerpt(payload)}').";
        }
    }

    private void Inspect(JsonElement chunk)
    {
        if (chunk.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        if (chunk.TryGetProperty("error", out var error))
        {
            Error = UpstreamExcerpt.Cut(error.ValueKind == JsonValueKind.Object && error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String
                ? m.GetString()!
                : error.ToString());
        }

        if (chunk.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object)
        {
            if (usage.TryGetProperty("prompt_tokens", out var p) && p.TryGetInt32(out var prompt)) PromptTokens = prompt;
            if (usage.TryGetProperty("completion_tokens", out var c) && c.TryGetInt32(out var completion)) CompletionTokens = completion;
        }

        if (chunk.TryGetProperty("choices", out var choices) && choices.ValueKind == JsonValueKind.Array)
        {
            foreach (var choice in choices.EnumerateArray())
            {
                if (choice.ValueKind != JsonValueKind.Object || !choice.TryGetProperty("delta", out var delta) || delta.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }

                if (delta.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String)
                {
                    ContentLength += content.GetString()!.Length;
                }

                if (delta.TryGetProperty("tool_calls", out var calls) && calls.ValueKind == JsonValueKind.Array)
                {
                    foreach (var call in calls.EnumerateArray())
                    {
                        // A call's first delta carries its id; later ones only add argument text.
                        if (call.ValueKind == JsonValueKind.Object && call.TryGetProperty("id", out _))
                        {
                            ToolCalls++;
                        }
                    }
                }
            }
        }
    }
}
