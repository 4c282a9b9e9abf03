using System.Text.Json;
using OpsBot.ProxyCore.Proxy.Chat;

namespace OpsBot.ProxyCore.Tests.Proxy;

public sealed class ChatRequestTests
{
    [Fact]
    public void Counts_tool_results_by_role_and_by_tool_call_id()
    {
        using var doc = JsonDocument.Parse("""
            {"model":"m","stream":true,"tools":[{"type":"function","function":{"name":"exec","parameters":{"type":"object","properties":{"command":{"type":"string"}}}}}],
             "messages":[{"role":"user","content":"x"},{"role":"tool","content":"a"},{"role":"user","tool_call_id":"c1","content":"b"},{"role":"assistant","content":"c"}]}
            """);

        var request = ChatRequest.TryParse(doc, out var error);

        Assert.Null(error);
        Assert.NotNull(request);
        Assert.Equal(2, request.ToolResultCount);
        Assert.True(request.Stream);
        Assert.True(request.HasTools);
        Assert.True(request.Tools.Contains("exec"));
        Assert.Equal("m", request.Model);
    }

    [Theory]
    [InlineData("""{"messages":[{"role":"user"}],"tools":[]}""", false)]
    [InlineData("""{"messages":[{"role":"user"}],"tools":null}""", false)]
    [InlineData("""{"messages":[{"role":"user"}]}""", false)]
    [InlineData("""{"messages":[{"role":"user"}],"tools":[{"type":"function","function":{"name":"t"}}]}""", true)]
    public void Empty_or_missing_tools_count_as_no_tools(string json, bool expected)
    {
        using var doc = JsonDocument.Parse(json);

        Assert.Equal(expected, ChatRequest.TryParse(doc, out _)!.HasTools);
    }

    [Theory]
    [InlineData("[1,2]")]
    [InlineData("\"text\"")]
    [InlineData("42")]
    public void Rejects_a_body_that_is_not_an_object_with_a_clear_message(string json)
    {
        using var doc = JsonDocument.Parse(json);

        Assert.Null(ChatRequest.TryParse(doc, out var error));
        Assert.Contains("must be a JSON object", error!.Message);
        Assert.Null(error.Param);
    }
}
