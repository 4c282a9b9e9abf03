using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using OpsBot.ProxyCore.Proxy.Upstream;

namespace OpsBot.ProxyCore.Tests.Proxy;

/// <summary>Unchanged conversations are sent to vLLM as slices of the client's own buffer.</summary>
public sealed class UpstreamBodySpliceTests
{
    private const string Messages = """[ {"role":"system","content":"caf\u00e9 <b> & \/ \"q\" 😀"}, {"role":"user", "content":"hi"} ]""";

    [Fact]
    public void Messages_reach_vllm_byte_for_byte_as_the_client_wrote_them()
    {
        var source = Utf8("{ \"model\" : \"m\", \"messages\": " + Messages + ", \"stream\": true, \"stream_options\": {\"include_usage\": true}, \"tools\": [] }");

        var written = Write(source, stream: false);

        Assert.Contains(Messages, written, StringComparison.Ordinal);
        var root = JsonNode.Parse(written)!.AsObject();
        Assert.False((bool)root["stream"]!);
        Assert.False(root.ContainsKey("stream_options"));
        Assert.Equal("m", (string?)root["model"]);
        Assert.Empty(root["tools"]!.AsArray());
    }

    [Fact]
    public void The_large_slice_points_into_the_clients_buffer_instead_of_a_copy()
    {
        var source = Utf8("""{"model":"m","messages":""" + Messages + ""","stream":true,"tools":[]}""");
        using var document = JsonDocument.Parse(source);

        var body = UpstreamBodyWriter.Write(document.RootElement, source, stream: true, forceUsage: true, report: default(NormalizationReport));

        var largest = body.Segments.MaxBy(s => s.Length);
        Assert.True(MemoryMarshal.TryGetArray(largest, out var segment));
        Assert.Same(source, segment.Array);
        Assert.True(body.Segments.Count <= 4, $"{body.Segments.Count} segments");
    }

    [Theory]
    [InlineData("""{"stream":true,"model":"m"}""", false, """{"model":"m","stream":false}""")]
    [InlineData("""{"stream":true}""", false, """{"stream":false}""")]
    [InlineData("""{}""", true, """{"stream":true}""")]
    [InlineData("""{"model":"m","store":true,"stream":false,"n":1}""", true, """{"model":"m","n":1,"stream":true}""")]
    [InlineData("""{"model":"m","stream_options":{"include_usage":false},"stream":true}""", true, """{"model":"m","stream_options":{"include_usage":false},"stream":true}""")]
    [InlineData("""{"max_tokens":5,"model":"m","max_completion_tokens":9}""", false, """{"model":"m","max_tokens":9,"stream":false}""")]
    [InlineData("""{"model":"m","max_completion_tokens":9}""", false, """{"model":"m","max_tokens":9,"stream":false}""")]
    public void Dropped_and_rewritten_fields_are_cut_out_and_appended(string client, bool stream, string expected)
    {
        Assert.Equal(expected, Write(Utf8(client), stream));
    }

    [Fact]
    public void Forced_usage_replaces_the_clients_stream_options()
    {
        var written = Write(Utf8("""{"model":"m","stream_options":{"include_usage":false},"stream":true}"""), stream: true, forceUsage: true);

        Assert.Equal("""{"model":"m","stream":true,"stream_options":{"include_usage":true}}""", written);
    }

    [Theory]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"x"}],"stream":true,"stream_options":{"include_usage":true},"max_tokens":8,"tools":[{"type":"function"}]}""")]
    [InlineData("""{"store":false,"messages":[],"max_completion_tokens":3,"max_tokens":1,"stream":true,"temperature":0.2}""")]
    [InlineData(" {\n \"a\" : 1 ,\n\t\"stream\" : true ,  \"b\":[1, 2]\n}\n")]
    public void Spliced_and_copied_bodies_are_the_same_json(string client)
    {
        var source = Utf8(client);
        using var document = JsonDocument.Parse(source);
        foreach (var (stream, forceUsage) in new[] { (false, false), (true, false), (true, true) })
        {
            var spliced = UpstreamBodyWriter.Write(document.RootElement, source, stream, forceUsage, default(NormalizationReport));
            var copied = UpstreamBodyWriter.Write(document.RootElement, ReadOnlyMemory<byte>.Empty, stream, forceUsage, default(NormalizationReport));

            Assert.True(spliced.Segments.Count > 1, "expected a splice");
            Assert.Single(copied.Segments);
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(spliced.ToArray()), JsonNode.Parse(copied.ToArray())),
                $"{Encoding.UTF8.GetString(spliced.ToArray())} != {Encoding.UTF8.GetString(copied.ToArray())}");
        }
    }

    [Theory]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"x"}],"stream":true,"stream_options":{"include_usage":true},"tools":[{"type":"function"}]}""")]
    [InlineData("""{"messages":[],"continue_final_message":false,"add_generation_prompt":true,"stream":true}""")]
    [InlineData(" {\n \"messages\" : [ {\"role\":\"user\",\"content\":\"caf\\u00e9\"} \n ] ,\n\t\"stream\" : true ,  \"b\":[1, 2]\n}\n")]
    [InlineData("""{"stream":true,"model":"m"}""")]
    public void A_continuation_appends_one_assistant_message_and_vllms_two_flags_spliced_or_copied(string client)
    {
        const string Sent = "The answer is \"4\" 😀\n<b>";
        var source = Utf8(client);
        using var document = JsonDocument.Parse(source);
        var clientMessages = document.RootElement.TryGetProperty("messages", out var m) ? JsonNode.Parse(m.GetRawText())!.AsArray() : null;

        var spliced = UpstreamBodyWriter.Write(document.RootElement, source, stream: false, report: default(NormalizationReport), continuation: Sent);
        var copied = UpstreamBodyWriter.Write(document.RootElement, ReadOnlyMemory<byte>.Empty, stream: false, report: default(NormalizationReport), continuation: Sent);

        Assert.True(spliced.Segments.Count > 1, "expected a splice");
        foreach (var body in new[] { spliced, copied })
        {
            var root = JsonNode.Parse(body.ToArray())!.AsObject();
            Assert.False((bool)root["stream"]!);
            Assert.False(root.ContainsKey("stream_options"));
            Assert.True((bool)root["continue_final_message"]!);
            Assert.False((bool)root["add_generation_prompt"]!);
            if (clientMessages is null)
            {
                // Nothing to continue a message in: the flags alone, vLLM's 400 says the rest.
                Assert.False(root.ContainsKey("messages"));
                continue;
            }

            var messages = root["messages"]!.AsArray();
            Assert.Equal(clientMessages.Count + 1, messages.Count);
            Assert.True(JsonNode.DeepEquals(clientMessages, new JsonArray([.. messages.Take(clientMessages.Count).Select(n => n!.DeepClone())])));
            Assert.True(JsonNode.DeepEquals(new JsonObject { ["role"] = "assistant", ["content"] = Sent }, messages[^1]));
        }

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(spliced.ToArray()), JsonNode.Parse(copied.ToArray())),
            $"{Encoding.UTF8.GetString(spliced.ToArray())} != {Encoding.UTF8.GetString(copied.ToArray())}");
    }

    [Fact]
    public void A_continuation_of_a_conversation_that_needs_rewriting_keeps_both()
    {
        var source = Utf8("""{"messages":[{"role":"developer","content":"be brief"},{"role":"user","content":"hi"}],"stream":true}""");
        using var document = JsonDocument.Parse(source);

        var body = UpstreamBodyWriter.Write(document.RootElement, source, stream: false, report: UpstreamBodyWriter.Analyze(document.RootElement, stream: false), continuation: "Hel");

        Assert.Equal("""{"messages":[{"role":"system","content":"be brief"},{"role":"user","content":"hi"},{"role":"assistant","content":"Hel"}],"stream":false,"continue_final_message":true,"add_generation_prompt":false}""",
            Encoding.UTF8.GetString(body.ToArray()));
    }

    [Fact]
    public void A_document_not_parsed_from_the_given_buffer_is_copied()
    {
        using var document = JsonDocument.Parse("""{"model":"m","stream":true}""");

        var body = UpstreamBodyWriter.Write(document.RootElement, Utf8("""{"model":"m","stream":true}"""), stream: false, report: default(NormalizationReport));

        Assert.Single(body.Segments);
        Assert.Equal("""{"model":"m","stream":false}""", Encoding.UTF8.GetString(body.ToArray()));
    }

    [Fact]
    public async Task Content_sends_every_slice_with_the_right_length()
    {
        var source = Utf8("""{"model":"m","messages":""" + Messages + ""","stream":true}""");
        using var document = JsonDocument.Parse(source);
        var body = UpstreamBodyWriter.Write(document.RootElement, source, stream: false, report: default(NormalizationReport));

        using var content = body.CreateContent();
        var sent = await content.ReadAsByteArrayAsync();

        Assert.Equal(body.Length, content.Headers.ContentLength);
        Assert.Equal(body.ToArray(), sent);
        Assert.Equal("application/json", content.Headers.ContentType?.MediaType);
    }

    private static string Write(byte[] source, bool stream, bool forceUsage = false)
    {
        using var document = JsonDocument.Parse(source);
        var body = UpstreamBodyWriter.Write(document.RootElement, source, stream, forceUsage, default(NormalizationReport));
        return Encoding.UTF8.GetString(body.ToArray());
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
