using System.Buffers;
using System.Text.Json;

namespace OpsBot.ProxyCore.Proxy;

/// <summary>
/// Turns a complete (non-streaming) answer into the chunk sequence an OpenAI streaming client
/// expects: role, content, one chunk per tool call, finish, usage, <c>[DONE]</c>.
/// </summary>
public static class SseRewrapper
{
    public static async Task WriteAsync(Stream body, UpstreamCompletion completion, TimeProvider time, CancellationToken cancellationToken)
    {
        var header = ChunkHeader.From(completion.Root, time);
        var buffer = new ArrayBufferWriter<byte>(1024);
        using var writer = new Utf8JsonWriter(buffer);

        foreach (var choice in completion.Choices)
        {
            await EmitAsync(body, buffer, writer, header, w => WriteDelta(w, choice.Index, d =>
            {
                d.WriteString("role", "assistant");
                d.WriteString("content", "");
            }, finishReason: null), cancellationToken);

            if (!string.IsNullOrEmpty(choice.Content))
            {
                await EmitAsync(body, buffer, writer, header, w => WriteDelta(w, choice.Index, d => d.WriteString("content", choice.Content), finishReason: null), cancellationToken);
            }

            for (var i = 0; i < choice.ToolCalls.Count; i++)
            {
                var call = choice.ToolCalls[i];
                var callIndex = i;
                await EmitAsync(body, buffer, writer, header, w => WriteDelta(w, choice.Index, d =>
                {
                    d.WriteStartArray("tool_calls");
                    CompletionJsonWriter.WriteToolCall(d, call, callIndex);
                    d.WriteEndArray();
                }, finishReason: null), cancellationToken);
            }

            await EmitAsync(body, buffer, writer, header, w => WriteDelta(w, choice.Index, static _ => { }, choice.FinishReason ?? "stop"), cancellationToken);
        }

        if (completion.Root.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object)
        {
            await EmitAsync(body, buffer, writer, header, w =>
            {
                w.WriteStartArray("choices");
                w.WriteEndArray();
                w.WritePropertyName("usage");
                CompletionJsonWriter.WriteUsage(w, usage);
            }, cancellationToken);
        }

        await SseWriter.WriteDoneAsync(body, cancellationToken);
        await body.FlushAsync(cancellationToken);
    }

    private static async ValueTask EmitAsync(Stream body, ArrayBufferWriter<byte> buffer, Utf8JsonWriter writer, ChunkHeader header, Action<Utf8JsonWriter> writeBody, CancellationToken cancellationToken)
    {
        buffer.ResetWrittenCount();
        writer.Reset(buffer);
        writer.WriteStartObject();
        header.Write(writer);
        writeBody(writer);
        writer.WriteEndObject();
        writer.Flush();
        await SseWriter.WriteEventAsync(body, buffer.WrittenMemory, cancellationToken);
    }

    private static void WriteDelta(Utf8JsonWriter writer, int index, Action<Utf8JsonWriter> writeDelta, string? finishReason)
    {
        writer.WriteStartArray("choices");
        writer.WriteStartObject();
        writer.WriteNumber("index", index);
        writer.WriteStartObject("delta");
        writeDelta(writer);
        writer.WriteEndObject();
        writer.WriteNull("logprobs");
        if (finishReason is null) writer.WriteNull("finish_reason"); else writer.WriteString("finish_reason", finishReason);
        writer.WriteEndObject();
        writer.WriteEndArray();
    }
}
