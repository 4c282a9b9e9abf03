using System.Text.Json;

namespace OpsBot.ProxyCore.ToolCalls;

/// <summary>
/// The tools a request declared: names (a recovered call must name one of them) and each
/// function's parameter properties (used to type Qwen3 XML parameter values like vLLM does).
/// </summary>
internal sealed class ToolCatalog
{
    private readonly Dictionary<string, JsonElement?> _propertiesByTool;
    private readonly Dictionary<string, string[]> _requiredByTool;

    private ToolCatalog(Dictionary<string, JsonElement?> propertiesByTool, Dictionary<string, string[]>? requiredByTool = null)
    {
        _propertiesByTool = propertiesByTool;
        _requiredByTool = requiredByTool ?? new Dictionary<string, string[]>(StringComparer.Ordinal);
    }

    public static ToolCatalog Empty { get; } = new(new Dictionary<string, JsonElement?>(StringComparer.Ordinal));

    public int Count => _propertiesByTool.Count;

    public IEnumerable<string> Names => _propertiesByTool.Keys;

    public bool Contains(string name) => _propertiesByTool.ContainsKey(name);

    /// <summary>Builds the catalog from a request's <c>tools</c> array; anything malformed is skipped, never thrown.</summary>
    public static ToolCatalog FromTools(JsonElement tools)
    {
        if (tools.ValueKind != JsonValueKind.Array)
        {
            return Empty;
        }

        var map = new Dictionary<string, JsonElement?>(StringComparer.Ordinal);
        var required = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var tool in tools.EnumerateArray())
        {
            if (tool.ValueKind != JsonValueKind.Object
                || !tool.TryGetProperty("function", out var function)
                || function.ValueKind != JsonValueKind.Object
                || !function.TryGetProperty("name", out var nameElement)
                || nameElement.ValueKind != JsonValueKind.String)
            {
                continue;
            }

            var name = nameElement.GetString()!;
            JsonElement? properties = null;
            if (function.TryGetProperty("parameters", out var parameters) && parameters.ValueKind == JsonValueKind.Object)
            {
                // vLLM's _get_arguments_config: without "properties" the parameters object itself is the map.
                properties = parameters.TryGetProperty("properties", out var props) && props.ValueKind == JsonValueKind.Object
                    ? props.Clone()
                    : parameters.Clone();
                if (parameters.TryGetProperty("required", out var req) && req.ValueKind == JsonValueKind.Array)
                {
                    required[name] = req.EnumerateArray().Where(r => r.ValueKind == JsonValueKind.String).Select(r => r.GetString()!).ToArray();
                }
            }

            map[name] = properties;
        }

        return new ToolCatalog(map, required);
    }

    /// <summary>The JSON schema of one parameter, or null when the tool or parameter is not declared.</summary>
    public JsonElement? GetParameterSchema(string toolName, string parameterName)
    {
        if (!_propertiesByTool.TryGetValue(toolName, out var properties) || properties is not { } props)
        {
            return null;
        }

        // JsonElement.TryGetProperty throws on invalid UTF-16, and parameter names come from model text.
        return IsValidUtf16(parameterName)
            && props.TryGetProperty(parameterName, out var schema)
            && schema.ValueKind == JsonValueKind.Object
            ? schema
            : null;
    }

    private static bool IsValidUtf16(string text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The parameters the tool's schema marks as required (empty when none or unknown).</summary>
    public IReadOnlyList<string> GetRequiredParameters(string toolName) =>
        _requiredByTool.TryGetValue(toolName, out var required) ? required : [];
}
