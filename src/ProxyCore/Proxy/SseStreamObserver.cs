using System.Buffers;
using System.Text;
using System.Text.Json;

namespace OpsBot.ProxyCore.Proxy;

/// <summary>
/// Watches an SSE stream as it is forwarded, without changing it, to learn what the completion
/// event needs: tokens from the usage chunk, whether any content or tool call arrived, and an
/// in-band error event (vLLM keeps HTTP 200 when it fails mid-stream).
/// </summary>
public sealed class SseStreamObserver
{
    private static ReadOnlySpan<byte> DataPrefix => "data: "u8;

    private readonly ArrayBufferWriter<byte> _partialLine = new(512);

    public int? PromptTokens { get; private set; }
    public int? CompletionTokens { get; private set; }
    public int ContentLength { get; private set; }
    public int ToolCalls { get; private set; }
    public string? Error { get; private set; }
    public bool SawDone { get; private set; }
    public int Events { get; private set; }

    /// <summary>Timestamp (TimeProvider ticks) of the first bytes relayed to the client.</summary>
    public long? FirstByteAt { get; private set; }

    public void Observe(ReadOnlySpan<byte> bytes, long timestamp)
    {
        FirstByteAt ??= timestamp;
        while (!bytes.IsEmpty)
        {
            var newline = bytes.IndexOf((byte)'\n');
            if (newline < 0)
            {
                _partialLine.Write(bytes);
                return;
            }

            if (_partialLine.WrittenCount > 0)
            {
                _partialLine.Write(bytes[..newline]);
                OnLine(_partialLine.WrittenSpan);
                _partialLine.ResetWrittenCount();
            }
            else
            {
                OnLine(bytes[..newline]);
            }

            bytes = bytes[(newline + 1)..];
        }
    }

    private void OnLine(ReadOnlySpan<byte> line)
    {
        line = line.TrimEnd((byte)'\r');
        if (!line.StartsWith(DataPrefix))
        {
            return;
        }

        var payload = line[DataPrefix.Length..];
        Events++;
        if (payload.SequenceEqual("[DONE]"u8))
        {
            SawDone = true;
            return;
        }

        try
        {
            var reader = new Utf8JsonReader(payload);
            using var document = JsonDocument.ParseValue(ref reader);
            Inspect(document.RootElement);
        }
        catch (JsonException)
        {
            // Not ours to judge: the client gets the bytes as vLLM sent them.
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
            Error = error.ValueKind == JsonValueKind.Object && error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String
                ? m.GetString()
                : error.ToString();
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
