using OpsBot.ProxyCore.ToolCalls;

namespace OpsBot.ProxyCore.Tests.ToolCalls;

public sealed class ToolCatalogTests
{
    [Fact]
    public void Parameter_schema_lookup_with_invalid_utf16_name_answers_null_instead_of_throwing()
    {
        // Found by the marker-soup fuzz test: JsonElement.TryGetProperty throws on lone surrogates.
        Assert.Null(TestTools.Fixtures.GetParameterSchema("read_file", "pa\uDC00th"));
        Assert.NotNull(TestTools.Fixtures.GetParameterSchema("read_file", "path"));
    }
}
