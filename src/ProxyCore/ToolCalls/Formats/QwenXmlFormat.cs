using OpsBot.ProxyCore.ToolCalls.Json;

using static OpsBot.ProxyCore.ToolCalls.Formats.ToolCallMarkers;

namespace OpsBot.ProxyCore.ToolCalls.Formats;

/// <summary>
/// Qwen3-Coder XML (<c>&lt;tool_call&gt;&lt;function=NAME&gt;&lt;parameter=P&gt;value&lt;/parameter&gt;…</c>),
/// parsed like vLLM v0.15's legacy <c>Qwen3CoderToolParser.extract_tool_calls</c> (docs/vllm-formats.md, "Qwen3-Coder XML, as vLLM parses it without streaming"):
/// unclosed blocks/functions/parameters run to the end, a bare <c>&lt;function=</c> counts when there is no
/// <c>&lt;tool_call&gt;</c> at all, one leading and one trailing newline are trimmed from values, and values
/// are typed by the tool's schema. Differences, on purpose: the function must name a declared tool
/// (vLLM accepts any name), and function/parameter names are trimmed of surrounding whitespace.
/// </summary>
internal static class QwenXmlFormat
{
    public static bool TryExtract(ExtractionContext context)
    {
        var text = context.Text.AsSpan();
        if (text.IndexOf(FunctionOpen, StringComparison.Ordinal) < 0)
        {
            return false;
        }

        if (text.IndexOf(ToolCallOpen, StringComparison.Ordinal) >= 0)
        {
            int from = 0;
            while (TextBlocks.Next(text, from, ToolCallOpen, ToolCallClose, out int open, out int close))
            {
                int innerStart = open + ToolCallOpen.Length;
                int innerEnd = close >= 0 ? close : UnclosedEnd(text, innerStart);
                if (TryParseBlock(text[innerStart..innerEnd], context.Tools, context.Calls))
                {
                    context.AddSpan(open, close >= 0 ? close + ToolCallClose.Length : text.Length);
                }

                if (close < 0)
                {
                    break;
                }

                from = close + ToolCallClose.Length;
            }
        }
        else
        {
            int from = 0;
            while (TextBlocks.Next(text, from, FunctionOpen, FunctionClose, out int open, out int close))
            {
                int bodyStart = open + FunctionOpen.Length;
                var function = text[bodyStart..(close >= 0 ? close : text.Length)];
                if (TryParseFunction(function, context.Tools, context.Calls))
                {
                    context.AddSpan(open, close >= 0 ? SpanEndAfterBareFunction(text, close) : text.Length);
                }

                if (close < 0)
                {
                    break;
                }

                from = close + FunctionClose.Length;
            }
        }

        return context.Calls.Count > 0;
    }

    /// <summary>
    /// One <c>&lt;tool_call&gt;</c> block body: valid when it holds at least one function and every function
    /// names a declared tool and is well formed. Calls are appended to <paramref name="sink"/> only when the
    /// whole block is valid; with a null sink it only validates (streaming scanner).
    /// </summary>
    public static bool TryParseBlock(ReadOnlySpan<char> block, ToolCatalog tools, List<ExtractedToolCall>? sink)
    {
        int before = sink?.Count ?? 0;
        int found = 0;
        int from = 0;
        while (TextBlocks.Next(block, from, FunctionOpen, FunctionClose, out int open, out int close))
        {
            int bodyStart = open + FunctionOpen.Length;
            if (!TryParseFunction(block[bodyStart..(close >= 0 ? close : block.Length)], tools, sink))
            {
                sink?.RemoveRange(before, sink.Count - before);
                return false;
            }

            found++;
            if (close < 0)
            {
                break;
            }

            from = close + FunctionClose.Length;
        }

        return found > 0;
    }

    /// <summary>
    /// The text after <c>&lt;function=</c> up to <c>&lt;/function&gt;</c> (or the end): <c>NAME&gt;</c> then
    /// parameters. False when the name is missing/undeclared or a parameter has no <c>&gt;</c> (vLLM raises there).
    /// </summary>
    public static bool TryParseFunction(ReadOnlySpan<char> function, ToolCatalog tools, List<ExtractedToolCall>? sink)
    {
        int gt = function.IndexOf('>');
        if (gt < 0)
        {
            return false;
        }

        var nameSpan = function[..gt].Trim();
        if (nameSpan.IsEmpty)
        {
            return false;
        }

        var name = new string(nameSpan);
        if (!tools.Contains(name))
        {
            return false;
        }

        var body = function[(gt + 1)..];
        var parameters = new QwenParameterList();
        if (!CollectParameters(body, ref parameters))
        {
            return false;
        }

        if (sink is not null)
        {
            sink.Add(new ExtractedToolCall(ToolCallIds.New(), name, WriteArguments(name, body, parameters, tools)));
        }

        return true;
    }

    /// <summary>
    /// vLLM's <c>&lt;parameter=(.*?)(?:&lt;/parameter&gt;|(?=&lt;parameter=)|(?=&lt;/function&gt;)|$)</c>: a value
    /// ends at the earliest closer, next opener, or end of the function text.
    /// </summary>
    private static bool CollectParameters(ReadOnlySpan<char> body, ref QwenParameterList parameters)
    {
        int nextOpen = -2;
        int nextClose = -2;
        int i = 0;
        while (true)
        {
            int open = FindFrom(body, ParameterOpen, i, ref nextOpen);
            if (open < 0)
            {
                return true;
            }

            int start = open + ParameterOpen.Length;
            int close = FindFrom(body, ParameterClose, start, ref nextClose);
            int following = FindFrom(body, ParameterOpen, start, ref nextOpen);
            int end = body.Length;
            bool closed = false;
            if (close >= 0 && (following < 0 || close < following))
            {
                end = close;
                closed = true;
            }
            else if (following >= 0)
            {
                end = following;
            }

            var match = body[start..end];
            int gt = match.IndexOf('>');
            if (gt < 0)
            {
                return false;
            }

            int valueStart = start + gt + 1;
            int valueEnd = end;

            // Python's "$" also matches just before a final "\n", so a value that runs to the end of the
            // function text loses one trailing newline before the usual trim.
            if (end == body.Length && valueEnd > valueStart && body[valueEnd - 1] == '\n')
            {
                valueEnd--;
            }

            if (valueStart < valueEnd && body[valueStart] == '\n')
            {
                valueStart++;
            }

            if (valueEnd > valueStart && body[valueEnd - 1] == '\n')
            {
                valueEnd--;
            }

            parameters.Set(JsonText.ToValidString(match[..gt].Trim()), valueStart, valueEnd - valueStart);
            if (end == body.Length)
            {
                return true;
            }

            i = closed ? end + ParameterClose.Length : end;
        }
    }

    /// <summary>IndexOf with a cached answer: each marker is searched forward only, so the scan stays linear.</summary>
    private static int FindFrom(ReadOnlySpan<char> text, string marker, int from, ref int cached)
    {
        if (cached == -1 || cached >= from)
        {
            return cached;
        }

        int k = from >= text.Length ? -1 : text[from..].IndexOf(marker, StringComparison.Ordinal);
        cached = k < 0 ? -1 : from + k;
        return cached;
    }

    private static string WriteArguments(string toolName, ReadOnlySpan<char> body, QwenParameterList parameters, ToolCatalog tools)
    {
        var pooled = PooledJsonWriter.Rent();
        var writer = pooled.Writer;
        writer.WriteStartObject();
        for (int p = 0; p < parameters.Count; p++)
        {
            var (parameterName, start, length) = parameters[p];
            JsonValueWriter.WritePropertyName(writer, parameterName);
            QwenParameterTyping.WriteValue(writer, body.Slice(start, length), tools.GetParameterSchema(toolName, parameterName));
        }

        writer.WriteEndObject();
        return pooled.ToStringAndReturn();
    }

    /// <summary>An unclosed block ends where vLLM's lazy <c>(.*?)$</c> stops: before a final newline.</summary>
    private static int UnclosedEnd(ReadOnlySpan<char> text, int innerStart)
        => text.Length > innerStart && text[^1] == '\n' ? text.Length - 1 : text.Length;

    /// <summary>A bare function may still be followed by an orphan <c>&lt;/tool_call&gt;</c>; it belongs to the call.</summary>
    private static int SpanEndAfterBareFunction(ReadOnlySpan<char> text, int close)
    {
        int end = close + FunctionClose.Length;
        int next = JsonText.SkipWhitespace(text, end);
        return text[next..].StartsWith(ToolCallClose, StringComparison.Ordinal) ? next + ToolCallClose.Length : end;
    }
}
