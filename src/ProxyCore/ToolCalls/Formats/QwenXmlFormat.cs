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
            while (TextBlocks.Next(text, from, ToolCallOpen, ToolCallClose, out var block))
            {
                int innerEnd = block.Closed ? block.InnerEnd : UnclosedEnd(text);
                if (TryParseBlock(text[block.InnerStart..innerEnd], context.Tools, context.Calls))
                {
                    context.AddSpan(block.Open, block.End);
                }

                from = block.End;
            }
        }
        else
        {
            int from = 0;
            while (TextBlocks.Next(text, from, FunctionOpen, FunctionClose, out var function))
            {
                if (TryParseFunction(text[function.InnerStart..function.InnerEnd], context.Tools, context.Calls))
                {
                    context.AddSpan(function.Open, SpanEndAfterBareFunction(text, function.End));
                }

                from = function.End;
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
        while (TextBlocks.Next(block, from, FunctionOpen, FunctionClose, out var function))
        {
            if (!TryParseFunction(block[function.InnerStart..function.InnerEnd], tools, sink))
            {
                sink?.RemoveRange(before, sink.Count - before);
                return false;
            }

            found++;
            from = function.End;
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
    /// <remarks>
    /// The next parameter is searched from where the value ended, closer included: no opener starts inside a
    /// closer, so skipping it would only save a few chars.
    /// </remarks>
    private static bool CollectParameters(ReadOnlySpan<char> body, ref QwenParameterList parameters)
    {
        // Below any position: nothing searched yet.
        int nextOpen = -1;
        int nextClose = -1;
        int i = 0;
        while (true)
        {
            int open = FindFrom(body, ParameterOpen, i, ref nextOpen);
            if (open == body.Length)
            {
                return true;
            }

            int start = open + ParameterOpen.Length;
            int end = Math.Min(FindFrom(body, ParameterClose, start, ref nextClose), FindFrom(body, ParameterOpen, start, ref nextOpen));
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
            // (The char before the value is the name's ">", so an empty value never loses a newline here.)
            if (end == body.Length && body[valueEnd - 1] == '\n')
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
            i = end;
        }
    }

    /// <summary>
    /// The first <paramref name="marker"/> at or after <paramref name="from"/>, or the text's length when there is
    /// none. <paramref name="cached"/> keeps the last answer: each marker is searched forward only, so the scan stays linear.
    /// </summary>
    private static int FindFrom(ReadOnlySpan<char> text, string marker, int from, ref int cached)
    {
        if (cached < from)
        {
            int k = text[from..].IndexOf(marker, StringComparison.Ordinal);
            cached = k < 0 ? text.Length : from + k;
        }

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

    /// <summary>
    /// An unclosed block ends where vLLM's lazy <c>(.*?)$</c> stops: before a final newline (never inside the
    /// opener, which ends with "&gt;").
    /// </summary>
    private static int UnclosedEnd(ReadOnlySpan<char> text)
        => text[^1] == '\n' ? text.Length - 1 : text.Length;

    /// <summary>A bare function may still be followed by an orphan <c>&lt;/tool_call&gt;</c>; it belongs to the call.</summary>
    private static int SpanEndAfterBareFunction(ReadOnlySpan<char> text, int end)
    {
        int next = JsonText.SkipWhitespace(text, end);
        return text[next..].StartsWith(ToolCallClose, StringComparison.Ordinal) ? next + ToolCallClose.Length : end;
    }
}
