using System.Text.Json;

namespace OpsBot.Bench.Load;

internal static class BenchJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web);
}
