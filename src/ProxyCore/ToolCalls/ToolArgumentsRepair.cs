using OpsBot.ProxyCore.ToolCalls.Json;

namespace OpsBot.ProxyCore.ToolCalls;

/// <summary>
/// Makes a history call's <c>function.arguments</c> a JSON object text before it is forwarded.
/// vLLM runs an unguarded <c>json.loads</c> on it and its chat template iterates it as a mapping, so
/// anything else is a 400 (docs/vllm-formats.md, "History the template depends on") and
/// agents loop on re-sending the same bad history. Never throws.
/// </summary>
internal static class ToolArgumentsRepair
{
    private const string EmptyObject = "{}";

    // A string may hold a string that holds the object; deeper nesting is not a real-world shape.
    private const int MaxUnwrapDepth = 3;

    public static RepairedToolArguments Repair(string? arguments)
    {
        try
        {
            return RepairUnguarded(arguments);
        }
        catch (Exception)
        {
            // Last-resort guard (the fuzz tests call RepairUnguarded to prove the paths never get here):
            // an empty object is always accepted upstream, a 400 loop is not.
            return new RepairedToolArguments(EmptyObject, ToolArgumentsRepairKind.Replaced);
        }
    }

    internal static RepairedToolArguments RepairUnguarded(string? arguments) => RepairCore(arguments, 0);

    private static RepairedToolArguments RepairCore(string? arguments, int depth)
    {
        if (string.IsNullOrWhiteSpace(arguments))
        {
            return new RepairedToolArguments(EmptyObject, ToolArgumentsRepairKind.Empty);
        }

        // Lone surrogates (a split emoji) make the text unencodable as UTF-8, so no JSON writer or
        // server will take it: replace them first, and never report such text as unchanged.
        if (JsonText.HasLoneSurrogate(arguments))
        {
            var sanitized = RepairCore(JsonText.ToValidString(arguments), depth);
            return sanitized.Kind == ToolArgumentsRepairKind.Unchanged
                ? sanitized with { Kind = ToolArgumentsRepairKind.Repaired }
                : sanitized;
        }

        var text = arguments.AsSpan();
        int start = JsonText.SkipWhitespace(text, 0);
        if (JsonScanner.Scan(text, start, out int end) == ScanStatus.Complete)
        {
            char first = text[start];
            if (first == '{')
            {
                return JsonText.IsWhitespaceOnly(text[end..])
                    ? new RepairedToolArguments(arguments, ToolArgumentsRepairKind.Unchanged)
                    : new RepairedToolArguments(arguments[start..end], ToolArgumentsRepairKind.Repaired);
            }

            if (first == '"' && depth < MaxUnwrapDepth)
            {
                var inner = RepairCore(JsonText.UnescapeToString(text[(start + 1)..(end - 1)]), depth + 1);
                return inner.Kind switch
                {
                    ToolArgumentsRepairKind.Empty or ToolArgumentsRepairKind.Replaced => inner,
                    _ => inner with { Kind = ToolArgumentsRepairKind.Unwrapped },
                };
            }

            return new RepairedToolArguments(EmptyObject, ToolArgumentsRepairKind.Replaced);
        }

        // Not blank (returned above), so there is a first visible char; any Unicode white space may precede it.
        var visible = text.TrimStart();
        if (visible[0] != '{')
        {
            return new RepairedToolArguments(EmptyObject, ToolArgumentsRepairKind.Replaced);
        }

        int brace = text.Length - visible.Length;
        var pooled = PooledJsonWriter.Rent();
        LooseJsonParser.WriteRepairedObject(text, brace, pooled.Writer);
        return new RepairedToolArguments(pooled.ToStringAndReturn(), ToolArgumentsRepairKind.Repaired);
    }
}
