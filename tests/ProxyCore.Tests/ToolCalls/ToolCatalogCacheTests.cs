using System.Text.Json;
using OpsBot.ProxyCore.ToolCalls;

namespace OpsBot.ProxyCore.Tests.ToolCalls;

public sealed class ToolCatalogCacheTests
{
    private const string Tools = """[{"type":"function","function":{"name":"exec","parameters":{"type":"object","properties":{"command":{"type":"string"},"timeout":{"type":"integer"}},"required":["command"]}}}]""";

    [Fact]
    public void The_same_tools_bytes_in_a_later_request_reuse_the_catalog_built_for_the_first()
    {
        var cache = new ToolCatalogCache();
        ToolCatalog first;
        using (var request = JsonDocument.Parse(Tools))
        {
            first = cache.Get(request.RootElement);
        }

        using var later = JsonDocument.Parse(Tools);
        var second = cache.Get(later.RootElement);

        Assert.Same(first, second);
        // Still usable after the first request's document is gone: the catalog owns its schemas.
        Assert.Equal(JsonValueKind.Object, second.GetParameterSchema("exec", "timeout")?.ValueKind);
    }

    [Fact]
    public void Different_tools_get_their_own_catalog()
    {
        var cache = new ToolCatalogCache();
        using var one = JsonDocument.Parse(Tools);
        using var other = JsonDocument.Parse(Tools.Replace("exec", "read", StringComparison.Ordinal));

        var a = cache.Get(one.RootElement);
        var b = cache.Get(other.RootElement);

        Assert.NotSame(a, b);
        Assert.True(a.Contains("exec") && !a.Contains("read"));
        Assert.True(b.Contains("read") && !b.Contains("exec"));
    }

    [Fact]
    public void Only_the_most_recent_tool_sets_are_kept()
    {
        var cache = new ToolCatalogCache();
        using var first = JsonDocument.Parse(Tools);
        var original = cache.Get(first.RootElement);
        for (var i = 0; i < 20; i++)
        {
            using var other = JsonDocument.Parse(Tools.Replace("exec", $"tool{i}", StringComparison.Ordinal));
            cache.Get(other.RootElement);
        }

        using var again = JsonDocument.Parse(Tools);
        Assert.NotSame(original, cache.Get(again.RootElement));
    }
}
