using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using OpsBot.ProxyCore.Proxy;
using OpsBot.ProxyCore.Tests.Infrastructure;
using OpsBot.VllmSimulator;

namespace OpsBot.ProxyCore.Tests.Proxy;

/// <summary>
/// Both tool-streaming modes against what vLLM v0.15 really does wrong (docs/vllm-behaviour.md): the client gets a
/// well-formed answer every time, and in stream mode the proxy re-asks without streaming only when it must.
/// </summary>
public sealed class VllmDefectsTests
{
    private const string Arguments = """{"path": "a.cs", "command": "cat a.cs"}""";
    private static readonly SimulatedToolCall ReadCall = new("exec", Arguments);

    public static TheoryData<ToolStreamingMode> Modes => new() { ToolStreamingMode.Stream, ToolStreamingMode.Buffer };

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task IndexError_after_the_call_header_and_brace_still_gives_the_client_the_call(ToolStreamingMode mode)
    {
        await using var harness = await ProxyHarness.StartAsync(mode);
        // vLLM answers the same turn the same way whether asked again or not; only its streaming path fails.
        harness.Simulator.DefaultAnswer = SimulatedAnswer.MidStreamErrorInToolCall("Reading it.", ReadCall);

        var (answer, sse) = await AskAsync(harness, Body());

        AssertCall(answer);
        Assert.Equal("Reading it.", answer.Text);
        Assert.DoesNotContain("\"error\"", sse);
        Assert.Equal(mode == ToolStreamingMode.Stream ? [true, false] : [false], harness.Simulator.ChatRequests.Select(r => r.Stream));
    }

    [Theory]
    [InlineData(ToolStreamingMode.Stream, MultiTokenDeltas.HeaderAndBraceCollapsed, 1)]
    [InlineData(ToolStreamingMode.Stream, MultiTokenDeltas.ParametersSkipped, 2)]
    [InlineData(ToolStreamingMode.Stream, MultiTokenDeltas.DoubleEncodedArgumentsAppended, 2)]
    [InlineData(ToolStreamingMode.Buffer, MultiTokenDeltas.ParametersSkipped, 1)]
    [InlineData(ToolStreamingMode.Buffer, MultiTokenDeltas.DoubleEncodedArgumentsAppended, 1)]
    public async Task Multi_token_steps_never_reach_the_client_as_broken_arguments(ToolStreamingMode mode, MultiTokenDeltas loss, int upstreamRequests)
    {
        await using var harness = await ProxyHarness.StartAsync(mode, new SimulatorOptions { StreamInterval = 5 });
        harness.Simulator.DefaultAnswer = (ToolCallsAnswer)SimulatedAnswer.ToolCalls(null, ReadCall) with { MultiTokenDeltas = loss };

        var (answer, _) = await AskAsync(harness, Body(required: "path"));

        AssertCall(answer);
        Assert.Equal(upstreamRequests, harness.Simulator.ChatRequests.Count);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task A_call_cut_by_max_tokens_reaches_the_client_as_json_with_finish_tool_calls(ToolStreamingMode mode)
    {
        await using var harness = await ProxyHarness.StartAsync(mode);
        harness.Simulator.DefaultAnswer = SimulatedAnswer.ToolCalls(null, new SimulatedToolCall("exec", JsonSerializer.Serialize(new { path = "a.cs", command = new string('x', 400) })));
        var body = Body();
        body["max_tokens"] = 40;

        var (answer, _) = await AskAsync(harness, body);

        var call = Assert.Single(answer.ToolCalls);
        using var arguments = JsonDocument.Parse(call.Arguments);
        Assert.Equal("a.cs", arguments.RootElement.GetProperty("path").GetString());
        Assert.Equal(OpenAI.Chat.ChatFinishReason.ToolCalls, answer.FinishReason);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Qwen_xml_left_in_multi_token_content_deltas_is_extracted(ToolStreamingMode mode)
    {
        await using var harness = await ProxyHarness.StartAsync(mode, new SimulatorOptions { StreamInterval = 7 });
        harness.Simulator.DefaultAnswer = SimulatedAnswer.QwenXmlInContent("Let me look.\n", ReadCall);

        var (answer, _) = await AskAsync(harness, Body());

        AssertCall(answer);
        Assert.Equal("Let me look.", answer.Text.Trim());
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Max_tokens_zero_gets_vllms_400_not_a_stream(ToolStreamingMode mode)
    {
        await using var harness = await ProxyHarness.StartAsync(mode);
        var body = Body();
        body["max_tokens"] = 0;

        using var response = await harness.Http.PostAsync("/v1/chat/completions", ChatBodies.Content(body));
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("max_tokens must be at least 1, got 0.", error.GetProperty("message").GetString());
        Assert.Equal("max_tokens", error.GetProperty("param").GetString());
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Unknown_named_tool_choice_gets_vllms_400(ToolStreamingMode mode)
    {
        await using var harness = await ProxyHarness.StartAsync(mode);
        var body = Body();
        body["tool_choice"] = new JsonObject { ["type"] = "function", ["function"] = new JsonObject { ["name"] = "nope" } };

        using var response = await harness.Http.PostAsync("/v1/chat/completions", ChatBodies.Content(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("does not match any of the specified `tools`", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task With_tool_choice_none_call_text_stays_text(ToolStreamingMode mode)
    {
        await using var harness = await ProxyHarness.StartAsync(mode);
        harness.Simulator.DefaultAnswer = SimulatedAnswer.ToolCalls("Here is how I would do it:\n", ReadCall);
        var body = Body();
        body["tool_choice"] = "none";

        var (answer, _) = await AskAsync(harness, body);

        // The client said no tool calls: vLLM leaves the model's XML in content, and so must the proxy.
        Assert.Empty(answer.ToolCalls);
        Assert.Contains("<function=exec>", answer.Text);
        Assert.Equal(OpenAI.Chat.ChatFinishReason.Stop, answer.FinishReason);
    }

    private static JsonObject Body(string? required = null)
    {
        var body = ChatBodies.Create(stream: true, "exec");
        if (required is not null)
        {
            body["tools"]![0]!["function"]!["parameters"]!["required"] = new JsonArray(required);
        }

        return body;
    }

    private static async Task<(StreamedAnswer Answer, string Sse)> AskAsync(ProxyHarness harness, JsonObject body)
    {
        using var response = await harness.Http.PostAsync("/v1/chat/completions", ChatBodies.Content(body));
        var sse = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {sse}");
        return (StreamedAnswer.Assemble(SseEvents.ParseWithSdk(sse)), sse);
    }

    private static void AssertCall(StreamedAnswer answer)
    {
        var call = Assert.Single(answer.ToolCalls);
        Assert.Equal("exec", call.Name);
        JsonAssertEquivalent(Arguments, call.Arguments);
        Assert.Equal(OpenAI.Chat.ChatFinishReason.ToolCalls, answer.FinishReason);
    }

    private static void JsonAssertEquivalent(string expected, string actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), JsonNode.Parse(actual)), $"expected {expected}, got {actual}");
}
