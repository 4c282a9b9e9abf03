using System.Net;
using System.Text;
using System.Text.Json;
using OpsBot.VllmSimulator;

namespace OpsBot.ProxyCore.Tests.Simulator;

/// <summary>
/// The simulator is as strict and as broken as vLLM v0.15 (docs/vllm-behaviour.md): the proxy's tests are only
/// worth what the double reproduces.
/// </summary>
public sealed class SimulatorStrictnessTests
{
    private static readonly object[] Tools =
    [
        new { type = "function", function = new { name = "write_file", parameters = new { type = "object", properties = new { path = new { type = "string" }, content = new { type = "string" } } } } },
        new { type = "function", function = new { name = "exec", parameters = new { type = "object", properties = new { command = new { type = "string" } } } } },
    ];

    private static readonly SimulatedToolCall WriteFile = new("write_file", """{"path": "a.cs", "content": "class A { }"}""");

    [Fact]
    public async Task Mid_stream_error_after_the_call_header_and_brace_streams_exactly_those_then_the_error()
    {
        await using var sim = await VllmSimulatorServer.StartAsync();
        sim.Enqueue(SimulatedAnswer.MidStreamErrorInToolCall(null, WriteFile), SimulatedAnswer.MidStreamErrorInToolCall("Writing.", WriteFile));
        using var http = SimulatorClient.Create(sim);

        var (_, body) = await SimulatorClient.PostChatAsync(http, SimulatorClient.ChatBody(stream: true, new { include_usage = true }, extra: new { tools = Tools }));
        var (nonStream, nonStreamBody) = await SimulatorClient.PostChatAsync(http, SimulatorClient.ChatBody(stream: false, extra: new { tools = Tools }));

        var events = SseEvents.Parse(body);
        Assert.Equal(5, events.Count);
        var header = ToolCallDelta(events[1]);
        Assert.StartsWith("call_", header.GetProperty("id").GetString());
        Assert.Equal("write_file", header.GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("", header.GetProperty("function").GetProperty("arguments").GetString());
        Assert.Equal("{", ToolCallDelta(events[2]).GetProperty("function").GetProperty("arguments").GetString());
        Assert.Equal("list index out of range", JsonDocument.Parse(events[3]).RootElement.GetProperty("error").GetProperty("message").GetString());
        Assert.Equal("[DONE]", events[4]);

        // The non-streaming path has no such bug: the same turn comes back whole.
        Assert.Equal(HttpStatusCode.OK, nonStream.StatusCode);
        var choice = JsonDocument.Parse(nonStreamBody).RootElement.GetProperty("choices")[0];
        Assert.Equal("tool_calls", choice.GetProperty("finish_reason").GetString());
        Assert.Equal("Writing.", choice.GetProperty("message").GetProperty("content").GetString());
        Assert.Equal("""{"path": "a.cs", "content": "class A { }"}""", choice.GetProperty("message").GetProperty("tool_calls")[0].GetProperty("function").GetProperty("arguments").GetString());
    }

    [Theory]
    [InlineData(MultiTokenDeltas.None, """{"path": "a.cs", "content": "class A { }"}""", 5)]
    [InlineData(MultiTokenDeltas.HeaderAndBraceCollapsed, """{"path": "a.cs", "content": "class A { }"}""", 4)]
    [InlineData(MultiTokenDeltas.ParametersSkipped, "{}", 3)]
    [InlineData(MultiTokenDeltas.DoubleEncodedArgumentsAppended, """{"path": "a.cs", "content": "class A { }"}"{\"path\": \"a.cs\", \"content\": \"class A { }\"}" """, 6)]
    public async Task Multi_token_steps_lose_tool_call_events_only_when_streamed(MultiTokenDeltas loss, string streamedArguments, int toolEvents)
    {
        await using var sim = await VllmSimulatorServer.StartAsync();
        var answer = (ToolCallsAnswer)SimulatedAnswer.ToolCalls(null, WriteFile) with { MultiTokenDeltas = loss };
        sim.Enqueue(answer, answer);
        using var http = SimulatorClient.Create(sim);

        var (_, body) = await SimulatorClient.PostChatAsync(http, SimulatorClient.ChatBody(stream: true, extra: new { tools = Tools }));
        var (_, nonStreamBody) = await SimulatorClient.PostChatAsync(http, SimulatorClient.ChatBody(stream: false, extra: new { tools = Tools }));

        var events = SseEvents.Parse(body);
        var toolDeltas = events.SkipLast(1).Where(HasToolCallDelta).Select(ToolCallDelta).ToList();
        Assert.Equal(toolEvents, toolDeltas.Count);
        Assert.Equal(streamedArguments.TrimEnd(), string.Concat(toolDeltas.Select(d => d.GetProperty("function").GetProperty("arguments").GetString())));
        Assert.Equal("tool_calls", FinishReason(events));
        var message = JsonDocument.Parse(nonStreamBody).RootElement.GetProperty("choices")[0].GetProperty("message");
        Assert.Equal("""{"path": "a.cs", "content": "class A { }"}""", message.GetProperty("tool_calls")[0].GetProperty("function").GetProperty("arguments").GetString());
    }

    [Fact]
    public async Task Stream_interval_sends_several_content_tokens_per_event()
    {
        await using var sim = await VllmSimulatorServer.StartAsync(new SimulatorOptions { StreamInterval = 4 });
        sim.Enqueue(SimulatedAnswer.Text("one two three four five six seven eight nine"));
        using var http = SimulatorClient.Create(sim);

        var (_, body) = await SimulatorClient.PostChatAsync(http, SimulatorClient.ChatBody(stream: true));

        var contents = SseEvents.Parse(body).SkipLast(1).Select(e => JsonDocument.Parse(e).RootElement.GetProperty("choices")[0])
            .Where(c => c.GetProperty("finish_reason").ValueKind == JsonValueKind.Null && !c.GetProperty("delta").TryGetProperty("role", out _))
            .Select(c => c.GetProperty("delta").GetProperty("content").GetString()).ToList();
        Assert.Equal(["one two three four", " five six seven eight", " nine"], contents);
    }

    [Fact]
    public async Task Max_tokens_cuts_a_call_streamed_invalid_and_parsed_whole_both_finishing_with_tool_calls()
    {
        await using var sim = await VllmSimulatorServer.StartAsync();
        var call = new SimulatedToolCall("write_file", JsonSerializer.Serialize(new { path = "a.cs", content = new string('x', 400) }));
        sim.Enqueue(SimulatedAnswer.ToolCalls(null, call), SimulatedAnswer.ToolCalls(null, call));
        using var http = SimulatorClient.Create(sim);

        // Header (6) + "{" (1) + path (9) fit in 40 tokens; the 400-char content parameter does not.
        var (_, body) = await SimulatorClient.PostChatAsync(http, SimulatorClient.ChatBody(stream: true, new { include_usage = true }, extra: new { tools = Tools, max_tokens = 40 }));
        var (_, nonStreamBody) = await SimulatorClient.PostChatAsync(http, SimulatorClient.ChatBody(stream: false, extra: new { tools = Tools, max_tokens = 40 }));

        var events = SseEvents.Parse(body);
        var streamed = string.Concat(events.SkipLast(1).Where(HasToolCallDelta)
            .Select(e => ToolCallDelta(e).GetProperty("function").GetProperty("arguments").GetString()));
        Assert.Equal("{\"path\": \"a.cs\"", streamed);
        Assert.Equal("tool_calls", FinishReason(events));
        Assert.Equal(40, JsonDocument.Parse(events[^2]).RootElement.GetProperty("usage").GetProperty("completion_tokens").GetInt32());

        var root = JsonDocument.Parse(nonStreamBody).RootElement;
        var choice = root.GetProperty("choices")[0];
        Assert.Equal("tool_calls", choice.GetProperty("finish_reason").GetString());
        using var arguments = JsonDocument.Parse(choice.GetProperty("message").GetProperty("tool_calls")[0].GetProperty("function").GetProperty("arguments").GetString()!);
        Assert.Equal("a.cs", arguments.RootElement.GetProperty("path").GetString());
        var content = arguments.RootElement.GetProperty("content").GetString()!;
        Assert.InRange(content.Length, 1, 399);
        Assert.Equal(40, root.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task Max_tokens_before_any_call_header_finishes_with_length_and_no_call()
    {
        await using var sim = await VllmSimulatorServer.StartAsync();
        sim.Enqueue(SimulatedAnswer.ToolCalls("I will now write the file you asked for.", WriteFile));
        using var http = SimulatorClient.Create(sim);

        var (_, body) = await SimulatorClient.PostChatAsync(http, SimulatorClient.ChatBody(stream: false, extra: new { tools = Tools, max_tokens = 3 }));

        var choice = JsonDocument.Parse(body).RootElement.GetProperty("choices")[0];
        Assert.Equal("length", choice.GetProperty("finish_reason").GetString());
        Assert.Equal("I will now", choice.GetProperty("message").GetProperty("content").GetString());
        Assert.Equal(0, choice.GetProperty("message").GetProperty("tool_calls").GetArrayLength());
    }

    [Fact]
    public async Task Tool_choice_none_leaves_the_call_as_xml_text_and_a_named_choice_finishes_with_stop()
    {
        await using var sim = await VllmSimulatorServer.StartAsync();
        sim.Enqueue(SimulatedAnswer.ToolCalls(null, WriteFile), SimulatedAnswer.ToolCalls(null, WriteFile), SimulatedAnswer.ToolCalls(null, WriteFile));
        using var http = SimulatorClient.Create(sim);

        var (_, none) = await SimulatorClient.PostChatAsync(http, SimulatorClient.ChatBody(stream: false, extra: new { tools = Tools, tool_choice = "none" }));
        var (_, named) = await SimulatorClient.PostChatAsync(http, SimulatorClient.ChatBody(stream: false, extra: new { tools = Tools, tool_choice = new { type = "function", function = new { name = "write_file" } } }));
        var (_, required) = await SimulatorClient.PostChatAsync(http, SimulatorClient.ChatBody(stream: false, extra: new { tools = Tools, tool_choice = "required" }));

        var noneChoice = JsonDocument.Parse(none).RootElement.GetProperty("choices")[0];
        Assert.Equal("stop", noneChoice.GetProperty("finish_reason").GetString());
        Assert.StartsWith("<tool_call>\n<function=write_file>", noneChoice.GetProperty("message").GetProperty("content").GetString());
        Assert.Equal(0, noneChoice.GetProperty("message").GetProperty("tool_calls").GetArrayLength());
        var namedChoice = JsonDocument.Parse(named).RootElement.GetProperty("choices")[0];
        Assert.Equal("stop", namedChoice.GetProperty("finish_reason").GetString());
        Assert.Equal("write_file", namedChoice.GetProperty("message").GetProperty("tool_calls")[0].GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("tool_calls", JsonDocument.Parse(required).RootElement.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
    }

    public static TheoryData<string, string> RejectedRequests => new()
    {
        { """{"messages":[{"role":"user","content":"x"}],"max_tokens":0}""", "max_tokens must be at least 1, got 0." },
        { """{"messages":[{"role":"user","content":"x"}],"max_completion_tokens":-5}""", "max_tokens must be at least 1, got -5." },
        { """{"messages":[{"role":"user","content":"x"}],"tools":[{"type":"function","function":{"name":"exec"}}],"tool_choice":{"type":"function","function":{"name":"nope"}}}""", "does not match any of the specified `tools`" },
        { """{"messages":[{"role":"user","content":"x"}],"tools":[{"type":"function","function":{"name":"exec"}}],"tool_choice":{"type":"function"}}""", "Invalid value for `function` in `tool_choice`" },
        { """{"messages":[{"role":"user","content":"x"}],"tool_choice":"required"}""", "When using `tool_choice`, `tools` must be set." },
    };

    [Theory]
    [MemberData(nameof(RejectedRequests))]
    public async Task Requests_vllm_refuses_get_400_and_generate_nothing(string body, string message)
    {
        await using var sim = await VllmSimulatorServer.StartAsync();
        sim.Enqueue(SimulatedAnswer.Text("should not be served"));
        using var http = SimulatorClient.Create(sim);

        var (response, text) = await SimulatorClient.PostChatAsync(http, body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(message, JsonDocument.Parse(text).RootElement.GetProperty("error").GetProperty("message").GetString());
        Assert.Equal(1, sim.PendingAnswers);
    }

    private static bool HasToolCallDelta(string chunk) =>
        JsonDocument.Parse(chunk).RootElement.GetProperty("choices") is { } choices && choices.GetArrayLength() > 0
        && choices[0].GetProperty("delta").TryGetProperty("tool_calls", out _);

    private static JsonElement ToolCallDelta(string chunk) =>
        JsonDocument.Parse(chunk).RootElement.GetProperty("choices")[0].GetProperty("delta").GetProperty("tool_calls")[0];

    private static string? FinishReason(IReadOnlyList<string> events) =>
        events.SkipLast(1).Select(e => JsonDocument.Parse(e).RootElement)
            .Where(r => r.GetProperty("choices").GetArrayLength() > 0)
            .Select(r => r.GetProperty("choices")[0].GetProperty("finish_reason"))
            .LastOrDefault(f => f.ValueKind == JsonValueKind.String).GetString();
}
