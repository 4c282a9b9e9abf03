using System.Text.Json;
using OpsBot.ProxyCore.ToolCalls;

namespace OpsBot.ProxyCore.Tests.ToolCalls;

/// <summary>Tool catalogs shaped like real request <c>tools</c> arrays, for the fixture scenarios.</summary>
internal static class TestTools
{
    /// <summary>The tools the vLLM fixtures' requests would have declared.</summary>
    public static ToolCatalog Fixtures { get; } = Catalog("""
        [
          {"type":"function","function":{"name":"run_command","parameters":{"type":"object","properties":{
            "command":{"type":"string"},"timeout":{"type":"integer"},"background":{"type":"boolean"}}}}},
          {"type":"function","function":{"name":"list_dir","parameters":{"type":"object","properties":{
            "path":{"type":"string"},"recursive":{"type":"boolean"}}}}},
          {"type":"function","function":{"name":"read_file","parameters":{"type":"object","properties":{
            "path":{"type":"string"},"start_line":{"type":"integer"},"end_line":{"type":"integer"}}}}},
          {"type":"function","function":{"name":"write_file","parameters":{"type":"object","properties":{
            "path":{"type":"string"},"content":{"type":"string"}}}}},
          {"type":"function","function":{"name":"search","parameters":{"type":"object","properties":{
            "query":{"type":"string"},"max_results":{"type":"integer"},"include":{"type":"array","items":{"type":"string"}}}}}},
          {"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}},
          {"type":"function","function":{"name":"get_time","parameters":{"type":"object","properties":{"timezone":{"type":"string"}}}}},
          {"type":"function","function":{"name":"get_status","parameters":{"type":"object","properties":{}}}}
        ]
        """);

    public static ToolCatalog Catalog(string toolsJson)
    {
        using var document = JsonDocument.Parse(toolsJson);
        return ToolCatalog.FromTools(document.RootElement);
    }

    /// <summary>A catalog with one tool <c>t</c> whose only parameter <c>p</c> has the given schema.</summary>
    public static ToolCatalog SingleParameter(string parameterSchemaJson) => Catalog(
        "[{\"type\":\"function\",\"function\":{\"name\":\"t\",\"parameters\":{\"type\":\"object\",\"properties\":{\"p\":"
        + parameterSchemaJson + "}}}}]");
}
