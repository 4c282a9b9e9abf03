using System.Buffers;

namespace OpsBot.ProxyCore.ToolCalls.Json;

/// <summary>
/// Reads JSON tool calls: an object with <c>name</c> and <c>arguments</c> (or <c>parameters</c>, like
/// vLLM's llama3_json parser) given as an object or as a string holding an object; missing, null or
/// <c>""</c> arguments mean <c>{}</c>. The name must be a declared tool. An object with a
/// <c>description</c> key is a tool definition being echoed, not a call.
/// </summary>
internal static class JsonCallReader
{
    /// <summary>
    /// A validated JSON value that is one call object, or a non-empty array of call objects. Calls are
    /// appended to <paramref name="sink"/> only if all of them are valid (null sink: validate only).
    /// </summary>
    public static bool TryReadCalls(ReadOnlySpan<char> value, ToolCatalog tools, List<ExtractedToolCall>? sink)
    {
        if (value.IsEmpty)
        {
            return false;
        }

        if (value[0] == '{')
        {
            return TryReadCall(value, tools, sink);
        }

        if (value[0] != '[')
        {
            return false;
        }

        int before = sink?.Count ?? 0;
        int found = 0;
        var reader = new JsonMemberReader(value);
        while (reader.NextElement(out var element))
        {
            if (element.IsEmpty || element[0] != '{' || !TryReadCall(element, tools, sink))
            {
                sink?.RemoveRange(before, sink.Count - before);
                return false;
            }

            found++;
        }

        return found > 0;
    }

    /// <summary>
    /// One or more call values separated by whitespace (optionally a single <c>,</c> or <c>;</c>) filling
    /// all of <paramref name="text"/> apart from surrounding whitespace, as inside a tag or fence.
    /// </summary>
    public static bool TryReadSequence(ReadOnlySpan<char> text, ToolCatalog tools, List<ExtractedToolCall>? sink)
    {
        int before = sink?.Count ?? 0;
        int i = JsonText.SkipWhitespace(text, 0);
        int found = 0;
        while (i < text.Length)
        {
            if (found > 0 && text[i] is ',' or ';')
            {
                i = JsonText.SkipWhitespace(text, i + 1);
                if (i >= text.Length)
                {
                    break;
                }
            }

            if (i >= text.Length
                || text[i] is not ('{' or '[')
                || JsonScanner.Scan(text, i, out int end) != ScanStatus.Complete
                || !TryReadCalls(text[i..end], tools, sink))
            {
                sink?.RemoveRange(before, sink.Count - before);
                return false;
            }

            found++;
            i = JsonText.SkipWhitespace(text, end);
        }

        return found > 0;
    }

    /// <summary>One validated JSON object that is a call.</summary>
    public static bool TryReadCall(ReadOnlySpan<char> json, ToolCatalog tools, List<ExtractedToolCall>? sink)
    {
        ReadOnlySpan<char> name = default;
        ReadOnlySpan<char> arguments = default;
        ReadOnlySpan<char> parameters = default;
        bool hasName = false;
        bool hasArguments = false;
        bool hasParameters = false;
        var reader = new JsonMemberReader(json);
        while (reader.NextMember(out var key, out var value))
        {
            if (JsonText.RawStringEquals(key, "name"))
            {
                name = value;
                hasName = true;
            }
            else if (JsonText.RawStringEquals(key, "arguments"))
            {
                arguments = value;
                hasArguments = true;
            }
            else if (JsonText.RawStringEquals(key, "parameters"))
            {
                parameters = value;
                hasParameters = true;
            }
            else if (JsonText.RawStringEquals(key, "description"))
            {
                return false;
            }
        }

        if (!hasName || name.Length < 2 || name[0] != '"')
        {
            return false;
        }

        var toolName = JsonText.UnescapeToString(name[1..^1]);
        if (!tools.Contains(toolName))
        {
            return false;
        }

        // vLLM's llama3_json: "arguments" if present, else "parameters".
        var args = hasArguments ? arguments : hasParameters ? parameters : default;
        return TryWriteArguments(args, toolName, sink);
    }

    private static bool TryWriteArguments(ReadOnlySpan<char> args, string toolName, List<ExtractedToolCall>? sink)
    {
        if (args.IsEmpty || args.SequenceEqual("null"))
        {
            sink?.Add(new ExtractedToolCall(ToolCallIds.New(), toolName, "{}"));
            return true;
        }

        if (args[0] == '{')
        {
            if (sink is not null)
            {
                sink.Add(new ExtractedToolCall(ToolCallIds.New(), toolName, WriteCompact(args)));
            }

            return true;
        }

        if (args[0] != '"')
        {
            return false;
        }

        // Arguments as a JSON string (OpenAI wire shape): it must hold an object, or nothing at all.
        var raw = args[1..^1];
        var rented = ArrayPool<char>.Shared.Rent(Math.Max(raw.Length, 1));
        try
        {
            int n = JsonText.Unescape(raw, rented);
            var decoded = JsonText.Trim(rented.AsSpan(0, n));
            if (decoded.IsEmpty)
            {
                sink?.Add(new ExtractedToolCall(ToolCallIds.New(), toolName, "{}"));
                return true;
            }

            if (decoded[0] != '{'
                || JsonScanner.Scan(decoded, 0, out int end) != ScanStatus.Complete
                || end != decoded.Length)
            {
                return false;
            }

            if (sink is not null)
            {
                sink.Add(new ExtractedToolCall(ToolCallIds.New(), toolName, WriteCompact(decoded)));
            }

            return true;
        }
        finally
        {
            ArrayPool<char>.Shared.Return(rented);
        }
    }

    private static string WriteCompact(ReadOnlySpan<char> json)
    {
        var pooled = PooledJsonWriter.Rent();
        JsonValueWriter.WriteValidated(pooled.Writer, json);
        return pooled.ToStringAndReturn();
    }
}
