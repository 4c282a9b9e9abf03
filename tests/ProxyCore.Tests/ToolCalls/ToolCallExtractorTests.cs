using OpsBot.ProxyCore.ToolCalls;

namespace OpsBot.ProxyCore.Tests.ToolCalls;

/// <summary>The extractor's entry: what it answers without trying any format.</summary>
public sealed class ToolCallExtractorTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Missing_or_empty_content_comes_back_as_it_was(string? content)
    {
        var result = ToolCallExtractor.ExtractUnguarded(content, TestTools.Fixtures, out long jsonWork);

        Assert.False(result.Found);
        Assert.Same(content, result.Content);
        Assert.Null(result.Format);
        Assert.Equal(0, jsonWork);
    }

    [Fact]
    public void Without_declared_tools_a_call_shaped_text_is_returned_unscanned()
    {
        var content = "Try this: {\"name\": \"read_file\", \"arguments\": {\"path\": \"a.cs\"}}\n[1, 2, 3]";

        var withTools = ToolCallExtractor.ExtractUnguarded(content, TestTools.Fixtures, out long workWithTools);
        var withoutTools = ToolCallExtractor.ExtractUnguarded(content, ToolCatalog.Empty, out long workWithoutTools);

        // The same text is a call, and costs JSON scanning, once the tool is declared.
        Assert.Equal("read_file", Assert.Single(withTools.Calls).Name);
        Assert.True(workWithTools > 0);
        Assert.False(withoutTools.Found);
        Assert.Same(content, withoutTools.Content);
        Assert.Equal(0, workWithoutTools);
    }
}
