using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.Json;
using OpsBot.ProxyCore.ToolCalls;

namespace OpsBot.ProxyCore.Proxy.Upstream;

/// <summary>
/// Writes the request vLLM gets: the client's JSON copied verbatim except for the streaming fields
/// and the normalisations vLLM needs (see <see cref="NormalizationReport"/>).
/// </summary>
internal static class UpstreamBodyWriter
{
    /// <summary>What <see cref="Write"/> would change, without writing; lets unchanged bodies be forwarded as received.</summary>
    public static NormalizationReport Analyze(JsonElement root, bool stream)
    {
        bool store = false, maxCompletion = false, streamOptions = false;
        int developer = 0, repaired = 0;
        foreach (var property in root.EnumerateObject())
        {
            if (property.NameEquals("store")) store = true;
            else if (property.NameEquals("max_completion_tokens")) maxCompletion = true;
            else if (property.NameEquals("stream_options")) streamOptions = !stream;
            else if (property.NameEquals("messages") && property.Value.ValueKind == JsonValueKind.Array)
            {
                foreach (var message in property.Value.EnumerateArray())
                {
                    if (message.ValueKind != JsonValueKind.Object) continue;
                    if (IsDeveloper(message)) developer++;
                    repaired += CountBadArguments(message);
                }
            }
        }

        return new NormalizationReport(store, maxCompletion, developer, streamOptions, repaired);
    }

    private static readonly byte[] OpenBrace = "{"u8.ToArray();
    private static readonly byte[] Comma = ","u8.ToArray();
    private static readonly byte[] CloseBrace = "}"u8.ToArray();
    private static readonly byte[] MaxTokensName = "\"max_tokens\":"u8.ToArray();
    private static readonly byte[] StreamTrue = "\"stream\":true"u8.ToArray();
    private static readonly byte[] StreamFalse = "\"stream\":false"u8.ToArray();
    private static readonly byte[] IncludeUsage = "\"stream_options\":{\"include_usage\":true}"u8.ToArray();
    private static readonly byte[] ContinueFlags = "\"continue_final_message\":true,\"add_generation_prompt\":false"u8.ToArray();

    /// <summary>Writes the request with <c>stream</c> set to <paramref name="stream"/> and every normalisation applied.</summary>
    /// <param name="root">The client's request object.</param>
    /// <param name="source">
    /// The body <paramref name="root"/> was parsed from. When no message needs rewriting the result is made of
    /// slices of it (it must outlive the result); otherwise, or when <paramref name="root"/> is not from it, a copy.
    /// </param>
    /// <param name="forceUsage">Ask a stream for its usage chunk even if the client did not (the proxy reports tokens).</param>
    /// <param name="report">
    /// What <see cref="Analyze"/> found, when the caller has it: messages that need no rewrite are then
    /// copied whole instead of being checked again (history arguments are JSON-parsed to check them).
    /// </param>
    /// <param name="continuation">
    /// Text of an answer to be continued: appended as a final assistant message, with vLLM's
    /// <c>"continue_final_message":true,"add_generation_prompt":false</c> (the client's own values of those two are
    /// dropped; vLLM rejects both true with 400), so the model carries on writing that message.
    /// </param>
    public static UpstreamBody Write(JsonElement root, ReadOnlyMemory<byte> source, bool stream, bool forceUsage = false, NormalizationReport? report = null, string? continuation = null)
    {
        var messagesUnchanged = report is { DeveloperRoles: 0, RepairedArguments: 0 };
        if (messagesUnchanged && Splice(root, source, stream, forceUsage, continuation) is { } spliced)
        {
            return spliced;
        }

        var sizeHint = (source.IsEmpty ? JsonMarshal.GetRawUtf8Value(root).Length : source.Length) + (continuation?.Length ?? 0) * 2;
        return new UpstreamBody(Copy(root, stream, sizeHint, forceUsage, messagesUnchanged, continuation));
    }

    /// <summary>
    /// The client's top-level properties as runs of its own bytes, with the dropped ones cut out and the rewritten
    /// ones appended; null when a part of <paramref name="root"/> does not lie in <paramref name="source"/>.
    /// </summary>
    private static UpstreamBody? Splice(JsonElement root, ReadOnlyMemory<byte> source, bool stream, bool forceUsage, string? continuation)
    {
        if (root.ValueKind != JsonValueKind.Object || !TryGetOffset(source.Span, JsonMarshal.GetRawUtf8Value(root), out var rootStart))
        {
            return null;
        }

        var hasMaxCompletion = root.TryGetProperty("max_completion_tokens", out var maxCompletion);
        var pieces = new List<ReadOnlyMemory<byte>>(8);
        var opened = false;
        var skipped = false;
        int runStart = -1, runEnd = -1;
        foreach (var property in root.EnumerateObject())
        {
            if (IsReplaced(property, stream, forceUsage, hasMaxCompletion, continuation is not null))
            {
                CloseRun();
                skipped = true;
                continue;
            }

            var value = JsonMarshal.GetRawUtf8Value(property.Value);
            if (!TryGetOffset(source.Span, JsonMarshal.GetRawUtf8PropertyName(property), out var nameStart)
                || !TryGetOffset(source.Span, value, out var valueStart))
            {
                return null;
            }

            if (runStart < 0)
            {
                // The first property, when nothing before it was cut, takes the client's opening brace with it.
                runStart = opened || skipped ? nameStart - 1 : rootStart;
            }

            runEnd = valueStart + value.Length;
            if (continuation is not null && property.NameEquals("messages") && property.Value.ValueKind == JsonValueKind.Array)
            {
                // The client's messages up to their closing bracket, then the assistant message and a new bracket.
                runEnd--;
                CloseRun();
                pieces.Add(ContinuationMessage(continuation, first: property.Value.GetArrayLength() == 0));
            }
        }

        CloseRun();

        // The rewritten fields and the closing brace go out as one small piece.
        var tail = new ArrayBufferWriter<byte>(96);
        if (hasMaxCompletion)
        {
            // vLLM prefers max_completion_tokens when both are sent; keep that value under the name every version knows.
            AppendField(tail, MaxTokensName);
            tail.Write(JsonMarshal.GetRawUtf8Value(maxCompletion));
        }

        AppendField(tail, stream ? StreamTrue : StreamFalse);
        if (stream && forceUsage)
        {
            AppendField(tail, IncludeUsage);
        }

        if (continuation is not null)
        {
            AppendField(tail, ContinueFlags);
        }

        tail.Write(CloseBrace);
        pieces.Add(tail.WrittenMemory);
        return new UpstreamBody([.. pieces]);

        void CloseRun()
        {
            if (runStart < 0)
            {
                return;
            }

            if (runStart != rootStart)
            {
                pieces.Add(opened ? Comma : OpenBrace);
            }

            pieces.Add(source[runStart..runEnd]);
            opened = true;
            runStart = -1;
        }

        void AppendField(ArrayBufferWriter<byte> buffer, byte[] field)
        {
            buffer.Write(opened ? Comma : OpenBrace);
            buffer.Write(field);
            opened = true;
        }
    }

    /// <summary><c>,{"role":"assistant","content":…}]</c>: the message a continuation appends, closing the array.</summary>
    private static ReadOnlyMemory<byte> ContinuationMessage(string text, bool first)
    {
        var buffer = new ArrayBufferWriter<byte>(text.Length + 64);
        if (!first)
        {
            buffer.Write(Comma);
        }

        using (var writer = new Utf8JsonWriter(buffer, RawJson.WriterOptions))
        {
            WriteContinuationMessage(writer, text);
        }

        buffer.Write("]"u8);
        return buffer.WrittenMemory;
    }

    private static void WriteContinuationMessage(Utf8JsonWriter writer, string text)
    {
        writer.WriteStartObject();
        writer.WriteString("role", "assistant");
        writer.WriteString("content", text);
        writer.WriteEndObject();
    }

    /// <summary>Properties the proxy drops or writes itself instead of copying.</summary>
    private static bool IsReplaced(JsonProperty property, bool stream, bool forceUsage, bool hasMaxCompletion, bool continuing) =>
        (continuing && (property.NameEquals("continue_final_message") || property.NameEquals("add_generation_prompt")))
        || property.NameEquals("stream") || property.NameEquals("store")
        // vLLM rejects stream_options unless streaming (400).
        || ((!stream || forceUsage) && property.NameEquals("stream_options"))
        || property.NameEquals("max_completion_tokens")
        || (hasMaxCompletion && property.NameEquals("max_tokens"));

    private static bool TryGetOffset(ReadOnlySpan<byte> source, ReadOnlySpan<byte> part, out int offset)
    {
        offset = 0;
        if (source.IsEmpty)
        {
            return false;
        }

        var distance = (long)Unsafe.ByteOffset(ref MemoryMarshal.GetReference(source), ref MemoryMarshal.GetReference(part));
        if (distance < 0 || distance + part.Length > source.Length)
        {
            return false;
        }

        offset = (int)distance;
        return true;
    }

    private static ReadOnlyMemory<byte> Copy(JsonElement root, bool stream, int sizeHint, bool forceUsage, bool messagesUnchanged, string? continuation)
    {
        // Raw copies keep the size: the client's body plus a little for the rewritten fields fits without regrowth.
        var buffer = new ArrayBufferWriter<byte>(sizeHint + 256);
        using (var writer = new Utf8JsonWriter(buffer, RawJson.WriterOptions))
        {
            var hasMaxTokens = root.TryGetProperty("max_tokens", out _);
            var hasMaxCompletion = root.TryGetProperty("max_completion_tokens", out var maxCompletion);
            writer.WriteStartObject();
            foreach (var property in root.EnumerateObject())
            {
                if (property.NameEquals("max_tokens") && hasMaxCompletion)
                {
                    writer.WritePropertyName("max_tokens");
                    RawJson.Write(writer, maxCompletion);
                }
                else if (IsReplaced(property, stream, forceUsage, hasMaxCompletion, continuation is not null))
                {
                    continue;
                }
                else if (property.NameEquals("messages") && property.Value.ValueKind == JsonValueKind.Array && (!messagesUnchanged || continuation is not null))
                {
                    WriteMessages(writer, property.Value, messagesUnchanged, continuation);
                }
                else
                {
                    RawJson.Write(writer, property);
                }
            }

            if (hasMaxCompletion && !hasMaxTokens)
            {
                writer.WritePropertyName("max_tokens");
                RawJson.Write(writer, maxCompletion);
            }

            writer.WriteBoolean("stream", stream);
            if (stream && forceUsage)
            {
                writer.WriteStartObject("stream_options");
                writer.WriteBoolean("include_usage", true);
                writer.WriteEndObject();
            }

            if (continuation is not null)
            {
                writer.WriteBoolean("continue_final_message", true);
                writer.WriteBoolean("add_generation_prompt", false);
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenMemory;
    }

    private static void WriteMessages(Utf8JsonWriter writer, JsonElement messages, bool unchanged, string? continuation)
    {
        writer.WriteStartArray("messages");
        foreach (var message in messages.EnumerateArray())
        {
            if (unchanged || message.ValueKind != JsonValueKind.Object || (!IsDeveloper(message) && CountBadArguments(message) == 0))
            {
                RawJson.Write(writer, message);
                continue;
            }

            writer.WriteStartObject();
            foreach (var property in message.EnumerateObject())
            {
                if (property.NameEquals("role") && IsDeveloper(message))
                {
                    // Qwen's chat template only renders system/user/assistant/tool.
                    writer.WriteString("role", "system");
                }
                else if (property.NameEquals("tool_calls") && property.Value.ValueKind == JsonValueKind.Array)
                {
                    WriteToolCalls(writer, property.Value);
                }
                else
                {
                    RawJson.Write(writer, property);
                }
            }

            writer.WriteEndObject();
        }

        if (continuation is not null)
        {
            WriteContinuationMessage(writer, continuation);
        }

        writer.WriteEndArray();
    }

    private static void WriteToolCalls(Utf8JsonWriter writer, JsonElement calls)
    {
        writer.WriteStartArray("tool_calls");
        foreach (var call in calls.EnumerateArray())
        {
            if (!TryGetFunction(call, out var function) || RepairedArguments(function) is not { } repaired)
            {
                RawJson.Write(writer, call);
                continue;
            }

            writer.WriteStartObject();
            foreach (var property in call.EnumerateObject())
            {
                if (!property.NameEquals("function"))
                {
                    RawJson.Write(writer, property);
                    continue;
                }

                writer.WriteStartObject("function");
                foreach (var field in function.EnumerateObject())
                {
                    if (!field.NameEquals("arguments"))
                    {
                        RawJson.Write(writer, field);
                    }
                }

                writer.WriteString("arguments", repaired);
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private static bool IsDeveloper(JsonElement message) =>
        message.TryGetProperty("role", out var role) && role.ValueKind == JsonValueKind.String && role.ValueEquals("developer");

    private static int CountBadArguments(JsonElement message)
    {
        if (!message.TryGetProperty("tool_calls", out var calls) || calls.ValueKind != JsonValueKind.Array)
        {
            return 0;
        }

        var count = 0;
        foreach (var call in calls.EnumerateArray())
        {
            if (TryGetFunction(call, out var function) && RepairedArguments(function) is not null)
            {
                count++;
            }
        }

        return count;
    }

    private static bool TryGetFunction(JsonElement call, out JsonElement function)
    {
        function = default;
        return call.ValueKind == JsonValueKind.Object && call.TryGetProperty("function", out function) && function.ValueKind == JsonValueKind.Object;
    }

    /// <summary>The arguments vLLM will accept, or null when the current ones already are a JSON object text.</summary>
    private static string? RepairedArguments(JsonElement function)
    {
        if (!function.TryGetProperty("arguments", out var arguments))
        {
            return null;
        }

        return arguments.ValueKind switch
        {
            JsonValueKind.String => ToolArgumentsRepair.Repair(arguments.GetString()) is { Changed: true } repaired ? repaired.Json : null,
            // Some clients send the object itself; vLLM wants its text.
            JsonValueKind.Object => arguments.GetRawText(),
            _ => "{}",
        };
    }
}
