using System.Text.Json;
using OpsBot.ProxyCore.Proxy.Upstream;

namespace OpsBot.ProxyCore.Tests.Proxy;

public sealed class UpstreamBodyWriterTests
{
    [Fact]
    public void Non_streaming_upstream_body_drops_stream_options_and_keeps_everything_else()
    {
        using var doc = JsonDocument.Parse("""{"model":"m","messages":[{"role":"user","content":"hi \u00e9 \ud83d\ude00"}],"stream":true,"stream_options":{"include_usage":true},"max_tokens":8192,"tools":[{"type":"function","function":{"name":"exec"}}]}""");

        var written = UpstreamBodyWriter.Write(doc.RootElement, ReadOnlyMemory<byte>.Empty, stream: false).ToArray();

        using var result = JsonDocument.Parse(written);
        var root = result.RootElement;
        Assert.False(root.GetProperty("stream").GetBoolean());
        Assert.False(root.TryGetProperty("stream_options", out _));
        Assert.Equal(8192, root.GetProperty("max_tokens").GetInt32());
        Assert.Equal("hi é 😀", root.GetProperty("messages")[0].GetProperty("content").GetString());
        Assert.Equal("exec", root.GetProperty("tools")[0].GetProperty("function").GetProperty("name").GetString());
    }

    [Fact]
    public void Streaming_upstream_body_keeps_stream_options()
    {
        using var doc = JsonDocument.Parse("""{"model":"m","messages":[],"stream_options":{"include_usage":true}}""");

        using var result = JsonDocument.Parse(UpstreamBodyWriter.Write(doc.RootElement, ReadOnlyMemory<byte>.Empty, stream: true).ToArray());

        Assert.True(result.RootElement.GetProperty("stream").GetBoolean());
        Assert.True(result.RootElement.GetProperty("stream_options").GetProperty("include_usage").GetBoolean());
    }
}
