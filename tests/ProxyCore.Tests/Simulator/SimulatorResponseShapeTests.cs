using System.Text.Json;
using OpsBot.VllmSimulator;

namespace OpsBot.ProxyCore.Tests.Simulator;

/// <summary>The simulator's wire format is checked against the reference fixtures structurally (keys, order, kinds).</summary>
public sealed class SimulatorResponseShapeTests
{
    [Theory]
    [InlineData(false, "nonstream_text_only.json")]
    [InlineData(true, "nonstream_text_only_current_shape.json")]
    public async Task NonStream_text_has_the_fixture_field_layout_for_the_version(bool currentShape, string fixture)
    {
        await using var sim = await VllmSimulatorServer.StartAsync(new SimulatorOptions { CurrentShape = currentShape });
        sim.Enqueue(SimulatedAnswer.Text("Done - all 42 tests pass."));
        using var http = SimulatorClient.Create(sim);

        var (response, body) = await SimulatorClient.PostChatAsync(http, SimulatorClient.ChatBody(stream: false));

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(JsonShape.Of(VllmFixtures.Read(fixture)), JsonShape.Of(body));
        Assert.StartsWith("{\"id\":\"chatcmpl-", body); // compact separators like JSONResponse
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        Assert.Matches("^chatcmpl-[0-9a-f]{32}$", root.GetProperty("id").GetString());
        Assert.Equal("Done - all 42 tests pass.", root.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
        var usage = root.GetProperty("usage");
        Assert.Equal(
            usage.GetProperty("prompt_tokens").GetInt32() + usage.GetProperty("completion_tokens").GetInt32(),
            usage.GetProperty("total_tokens").GetInt32());
    }

    [Fact]
    public async Task NonStream_tool_calls_match_the_native_fixture_including_python_argument_spacing()
    {
        var fixture = JsonDocument.Parse(VllmFixtures.Read("nonstream_tool_calls_native_multiple.json")).RootElement;
        var fixtureCalls = fixture.GetProperty("choices")[0].GetProperty("message").GetProperty("tool_calls");
        await using var sim = await VllmSimulatorServer.StartAsync();
        sim.Enqueue(SimulatedAnswer.ToolCalls(
            null,
            fixtureCalls.EnumerateArray().Select(c => new SimulatedToolCall(
                c.GetProperty("function").GetProperty("name").GetString()!,
                Compact(c.GetProperty("function").GetProperty("arguments").GetString()!))).ToArray()));
        using var http = SimulatorClient.Create(sim);

        var (_, body) = await SimulatorClient.PostChatAsync(http, SimulatorClient.ChatBody(stream: false));

        Assert.Equal(JsonShape.Of(fixture), JsonShape.Of(body));
        var root = JsonDocument.Parse(body).RootElement;
        var choice = root.GetProperty("choices")[0];
        Assert.Equal("tool_calls", choice.GetProperty("finish_reason").GetString());
        Assert.Equal(JsonValueKind.Null, choice.GetProperty("message").GetProperty("content").ValueKind);
        var calls = choice.GetProperty("message").GetProperty("tool_calls");
        for (var i = 0; i < fixtureCalls.GetArrayLength(); i++)
        {
            Assert.Matches("^chatcmpl-tool-[0-9a-f]{32}$", calls[i].GetProperty("id").GetString());
            Assert.Equal(
                fixtureCalls[i].GetProperty("function").GetProperty("arguments").GetString(),
                calls[i].GetProperty("function").GetProperty("arguments").GetString());
        }
    }

    [Fact]
    public async Task Stream_text_follows_the_fixture_event_sequence()
    {
        var fixture = SseEvents.Parse(VllmFixtures.Read("stream_text.sse"));
        const string Text = "Sure! The `tool_calls` field is streamed as deltas.";
        await using var sim = await VllmSimulatorServer.StartAsync();
        sim.Enqueue(SimulatedAnswer.Text(Text));
        using var http = SimulatorClient.Create(sim);

        var (response, body) = await SimulatorClient.PostChatAsync(http, SimulatorClient.ChatBody(stream: true, new { include_usage = true }));

        Assert.Equal("text/event-stream; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        var events = SseEvents.Parse(body);
        Assert.Equal("[DONE]", events[^1]);
        Assert.Equal(JsonShape.Of(fixture[0]), JsonShape.Of(events[0]));   // role chunk
        Assert.Equal(JsonShape.Of(fixture[^3]), JsonShape.Of(events[^3])); // finish chunk
        Assert.Equal(JsonShape.Of(fixture[^2]), JsonShape.Of(events[^2])); // usage chunk
        var contentShape = JsonShape.Of(fixture[1]);
        var contentEvents = events.Skip(1).SkipLast(3).ToList();
        Assert.True(contentEvents.Count > 5, "text should arrive as several token-sized deltas");
        Assert.All(contentEvents, e => Assert.Equal(contentShape, JsonShape.Of(e)));
        var streamed = string.Concat(contentEvents.Select(e => JsonDocument.Parse(e).RootElement.GetProperty("choices")[0].GetProperty("delta").GetProperty("content").GetString()));
        Assert.Equal(Text, streamed);
        var ids = events.SkipLast(1).Select(e => JsonDocument.Parse(e).RootElement.GetProperty("id").GetString()).Distinct().ToList();
        Assert.Single(ids);
        Assert.Equal(contentEvents.Count, JsonDocument.Parse(events[^2]).RootElement.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.Equal("stop", JsonDocument.Parse(events[^3]).RootElement.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
    }

    [Fact]
    public async Task Stream_tool_calls_reproduce_the_legacy_qwen3_coder_delta_sequence()
    {
        var fixture = SseEvents.Parse(VllmFixtures.Read("stream_tool_calls_qwen3coder_two_calls.sse"));
        await using var sim = await VllmSimulatorServer.StartAsync();
        sim.Enqueue(SimulatedAnswer.ToolCalls(
            null,
            new SimulatedToolCall("run_command", """{"command":"git status --short","background":false}"""),
            new SimulatedToolCall("search", """{"query":"TODO","include":["*.cs"]}""")));
        sim.Enqueue(SimulatedAnswer.ToolCalls("I'll read the file first.\n\n", new SimulatedToolCall("read_file", """{"path":"src/Proxy/Program.cs","start_line":1,"end_line":80}""")));
        using var http = SimulatorClient.Create(sim);

        var (_, body) = await SimulatorClient.PostChatAsync(http, SimulatorClient.ChatBody(stream: true, new { include_usage = true }));
        var events = SseEvents.Parse(body);

        // Same events in the same order: header, "{", one fragment per parameter, "}", per call.
        Assert.Equal(fixture.Select(Shape), events.Select(Shape));
        Assert.Equal(fixture.Select(ArgumentsFragment), events.Select(ArgumentsFragment));
        var headerIds = events.SkipLast(1).Select(e => JsonDocument.Parse(e).RootElement)
            .SelectMany(e => e.GetProperty("choices").EnumerateArray())
            .Where(c => c.GetProperty("delta").TryGetProperty("tool_calls", out var t) && t[0].TryGetProperty("id", out _))
            .Select(c => c.GetProperty("delta").GetProperty("tool_calls")[0].GetProperty("id").GetString()!)
            .ToList();
        Assert.Equal(2, headerIds.Count);
        Assert.All(headerIds, id => Assert.Matches("^call_[0-9a-f]{24}$", id));

        // With a preamble the event kinds are those of the single-call fixture.
        var (_, preambleBody) = await SimulatorClient.PostChatAsync(http, SimulatorClient.ChatBody(stream: true, new { include_usage = true }));
        var preambleFixture = SseEvents.Parse(VllmFixtures.Read("stream_tool_call_qwen3coder.sse"));
        Assert.Equal(preambleFixture.Select(Shape).Distinct().Order(), SseEvents.Parse(preambleBody).Select(Shape).Distinct().Order());
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("""{"include_usage":false}""", false)]
    [InlineData("""{"include_usage":true}""", true)]
    [InlineData("{}", true)] // StreamOptions.include_usage defaults to true once the object is sent
    public async Task Stream_sends_a_usage_chunk_only_when_include_usage_is_in_effect(string? streamOptions, bool expectUsage)
    {
        await using var sim = await VllmSimulatorServer.StartAsync();
        using var http = SimulatorClient.Create(sim);
        object? options = streamOptions is null ? null : JsonDocument.Parse(streamOptions).RootElement;

        var (_, body) = await SimulatorClient.PostChatAsync(http, SimulatorClient.ChatBody(stream: true, options));

        var events = SseEvents.Parse(body);
        var usageEvents = events.SkipLast(1).Count(e => JsonDocument.Parse(e).RootElement.TryGetProperty("usage", out _));
        Assert.Equal(expectUsage ? 1 : 0, usageEvents);
        Assert.Equal("[DONE]", events[^1]);
    }

    private static string Shape(string sseData) => sseData == "[DONE]" ? sseData : JsonShape.Of(sseData);

    private static string? ArgumentsFragment(string sseData)
    {
        if (sseData == "[DONE]")
        {
            return null;
        }

        var choices = JsonDocument.Parse(sseData).RootElement.GetProperty("choices");
        return choices.GetArrayLength() > 0
            && choices[0].GetProperty("delta").TryGetProperty("tool_calls", out var calls)
            ? calls[0].GetProperty("function").GetProperty("arguments").GetString()
            : null;
    }

    private static string Compact(string json) => JsonSerializer.Serialize(JsonDocument.Parse(json).RootElement);
}
