using System.Text;
using System.Text.Json;
using OpsBot.ProxyCore.Proxy;

namespace OpsBot.ProxyCore.Tests.Proxy;

public sealed class JsonTextValidityTests
{
    [Theory]
    [InlineData("""{"a":"caf\u00e9 \ud83d\ude00 \uD83D\uDE00 😀"}""")]
    [InlineData("""{"a":"\\ud800 is text after an escaped backslash"}""")]
    [InlineData("""{"a":"\\\\","b":"\u0041"}""")]
    [InlineData("""{"\ud83d\ude00":1}""")]
    public void Text_a_python_or_node_client_writes_is_valid(string json)
    {
        Assert.True(JsonTextValidity.IsValid(Encoding.UTF8.GetBytes(json)));
    }

    [Theory]
    [InlineData("""{"a":"\ud800"}""", "a")]
    [InlineData("""{"a":"x","b":["\udc00"]}""", "b[0]")]
    [InlineData("""{"a":"\ud83d\u0041"}""", "a")]
    [InlineData("""{"a":{"\\\ud800":1}}""", "a (property name)")]
    public void Lone_surrogate_escapes_are_invalid_and_located(string json, string where)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        using var document = JsonDocument.Parse(bytes);

        Assert.False(JsonTextValidity.IsValid(bytes));
        Assert.Equal(where, JsonTextValidity.Locate(document.RootElement));
    }

    [Fact]
    public void Invalid_utf8_bytes_are_invalid_and_located()
    {
        byte[] bytes = [.. """{"ok":"x","messages":[{"content":"caf"""u8, 0xE9, .. "\"}]}"u8];
        using var document = JsonDocument.Parse(bytes);

        Assert.False(JsonTextValidity.IsValid(bytes));
        Assert.Equal("messages[0].content", JsonTextValidity.Locate(document.RootElement));
    }
}
