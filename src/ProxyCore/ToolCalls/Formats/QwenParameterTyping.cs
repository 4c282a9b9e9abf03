using System.Text.Json;
using OpsBot.ProxyCore.ToolCalls.Json;

namespace OpsBot.ProxyCore.ToolCalls.Formats;

/// <summary>
/// Types a Qwen3-Coder XML parameter value against the request's JSON schema exactly like vLLM v0.15's
/// legacy <c>_convert_param_value</c> (docs/vllm-formats.md, "Parameter typing"), so recovered calls carry the same
/// argument JSON vLLM itself would have produced.
/// </summary>
internal static class QwenParameterTyping
{
    public static void WriteValue(Utf8JsonWriter writer, ReadOnlySpan<char> value, JsonElement? schema)
    {
        // Checked before the schema: vLLM turns "null" into null for every type, strings included.
        if (value.Equals("null", StringComparison.OrdinalIgnoreCase))
        {
            writer.WriteNullValue();
            return;
        }

        if (schema is not { } parameter || !parameter.TryGetProperty("type", out var typeElement))
        {
            JsonValueWriter.WriteStringValue(writer, value);
            return;
        }

        // vLLM does str(type).strip().lower(); a non-string type (e.g. ["string","null"]) stringifies
        // to something like "['string', 'null']", which names no type below: the "other" way.
        if (typeElement.ValueKind != JsonValueKind.String)
        {
            WritePythonLiteralOrString(writer, value);
            return;
        }

        var type = typeElement.GetString()!.Trim().ToLowerInvariant();

        switch (type)
        {
            case "string" or "str" or "text" or "varchar" or "char" or "enum":
                JsonValueWriter.WriteStringValue(writer, value);
                return;
            case "boolean" or "bool" or "binary":
                writer.WriteBooleanValue(value.Equals("true", StringComparison.OrdinalIgnoreCase));
                return;
        }

        if (type.StartsWith("int", StringComparison.Ordinal)
            || type.StartsWith("uint", StringComparison.Ordinal)
            || type.StartsWith("long", StringComparison.Ordinal)
            || type.StartsWith("short", StringComparison.Ordinal)
            || type.StartsWith("unsigned", StringComparison.Ordinal))
        {
            if (!PythonNumbers.TryWriteInt(writer, value))
            {
                JsonValueWriter.WriteStringValue(writer, value);
            }

            return;
        }

        if (type.StartsWith("num", StringComparison.Ordinal) || type.StartsWith("float", StringComparison.Ordinal))
        {
            if (!PythonNumbers.TryWriteFloat(writer, value))
            {
                JsonValueWriter.WriteStringValue(writer, value);
            }

            return;
        }

        bool container = type is "object" or "array" or "arr"
            || type.StartsWith("dict", StringComparison.Ordinal)
            || type.StartsWith("list", StringComparison.Ordinal);
        if (container && TryWriteJson(writer, value))
        {
            return;
        }

        // Containers that are not JSON, and every other type.
        WritePythonLiteralOrString(writer, value);
    }

    /// <summary><c>ast.literal_eval</c>, else the raw string.</summary>
    private static void WritePythonLiteralOrString(Utf8JsonWriter writer, ReadOnlySpan<char> value)
    {
        if (!LooseJsonParser.TryWritePythonLiteral(value, writer, nestingDepth: 1))
        {
            JsonValueWriter.WriteStringValue(writer, value);
        }
    }

    /// <summary>
    /// <c>json.loads</c>: one JSON value with optional surrounding whitespace, one level shallower than the
    /// limit because it is nested in the arguments object.
    /// </summary>
    private static bool TryWriteJson(Utf8JsonWriter writer, ReadOnlySpan<char> value)
    {
        // Blank text needs no check of its own: the scan finds no value in it (Incomplete).
        int start = JsonText.SkipWhitespace(value, 0);
        if (JsonScanner.Scan(value, start, out int end, JsonScanner.MaxDepth - 1) != ScanStatus.Complete
            || !JsonText.IsWhitespaceOnly(value[end..]))
        {
            return false;
        }

        JsonValueWriter.WriteValidated(writer, value[start..end]);
        return true;
    }
}
