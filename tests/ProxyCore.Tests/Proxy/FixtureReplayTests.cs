using System.Text.Json;
using System.Text.Json.Nodes;
using OpsBot.ProxyCore.Proxy;
using OpsBot.ProxyCore.Tests.Infrastructure;
using OpsBot.VllmSimulator;

namespace OpsBot.ProxyCore.Tests.Proxy;

/// <summary>Every vLLM fixture in shared/reference goes through the proxy, streaming and not.</summary>
public sealed class FixtureReplayTests
{
    /// <summary>Expected content of a fixture that is an empty answer: the proxy's explanation, after one retry.</summary>
    private const string Explained = "<explained>";

    public static TheoryData<string, string?, string> NonStreamingFixtures => new()
    {
        // fixture, expected content (trimmed, null = none), expected calls as "name json; name json"
        { "nonstream_bare_json_in_content.json", null, """read_file {"path":"src/Program.cs","start_line":1}""" },
        { "nonstream_fenced_json_in_content.json", "To run the tests I'll call the tool:", """run_command {"command":"dotnet test","timeout":120}""" },
        { "nonstream_hermes_in_content.json", "I'll list the repository root.", """list_dir {"path":".","recursive":false}""" },
        { "nonstream_json_array_in_content.json", null, """read_file {"path":"a.cs"}; read_file {"path":"b.cs"}""" },
        { "nonstream_llama3_python_tag_in_content.json", null, """get_weather {"city":"Oslo"}; get_time {"timezone":"Europe/Oslo"}""" },
        { "nonstream_mistral_tool_calls_in_content.json", null, """search {"query":"SseParser","max_results":5}""" },
        { "nonstream_multiline_json_in_content.json", "I need to update the config.", """write_file {"path":"appsettings.json","content":"{\n  \"Upstream\": \"http://127.0.0.1:8000\"\n}\n"}""" },
        { "nonstream_qwen25_tools_tag_in_content.json", null, """read_file {"path":"README.md"}""" },
        { "nonstream_qwen3coder_xml_in_content.json", "Let me check the failing test first.", """run_command {"command":"dotnet test --filter \"FullyQualifiedName~StreamingTests\"","timeout":300}""" },
        { "nonstream_tool_calls_native.json", "I'll start by reading the project file to see the target framework.", """read_file {"path":"src/Proxy/Proxy.csproj","start_line":1,"end_line":40}""" },
        { "nonstream_tool_calls_native_multiple.json", null, """run_command {"command":"dotnet build -c Release","timeout":600,"background":false}; search {"query":"IHttpClientFactory","max_results":20,"include":["*.cs","*.csproj"]}""" },
        { "nonstream_tool_call_truncated_by_length.json", "Here is the new middleware.", """write_file {"path":"src/Proxy/ToolCallMiddleware.cs","content":"using System.Text.Json;\n\nnamespace Proxy;\n\npublic sealed class ToolCallMiddleware\n{\n    private readonly RequestDelegate _next;\n"}""" },
        { "nonstream_text_only.json", "<unchanged>", "" },
        { "nonstream_text_only_current_shape.json", "Done - all 42 tests pass.", "" },
        // Still empty when asked again (the fixture answers every request): explained instead of nothing.
        { "nonstream_empty_zero_tokens.json", Explained, "" },
        { "nonstream_empty_immediate_eos.json", Explained, "" },
    };

    private static readonly string[] FixtureTools = ["read_file", "run_command", "write_file", "list_dir", "get_weather", "get_time", "search"];

    public static TheoryData<ToolStreamingMode, string, string?, string> NonStreamingFixturesByMode()
    {
        var data = new TheoryData<ToolStreamingMode, string, string?, string>();
        foreach (var mode in Enum.GetValues<ToolStreamingMode>())
        {
            foreach (var row in NonStreamingFixtures)
            {
                data.Add(mode, (string)row[0], (string?)row[1], (string)row[2]);
            }
        }

        return data;
    }

    /// <summary>
    /// A streaming client with tools; in stream mode vLLM's JSON answer to a stream request is
    /// handed to the re-wrap too, so both modes must give the same answer.
    /// </summary>
    [Theory]
    [MemberData(nameof(NonStreamingFixturesByMode))]
    public async Task Fixture_through_the_rewrap_gives_the_sdk_the_expected_answer(ToolStreamingMode mode, string fixture, string? content, string calls)
    {
        await using var harness = await ProxyHarness.StartAsync(mode);
        var raw = SharedReference.ReadVllmFixture(fixture);
        harness.Simulator.DefaultAnswer = SimulatedAnswer.RawJson(raw);

        using var response = await harness.Http.PostAsync("/v1/chat/completions", ChatBodies.Content(Request(stream: true)));
        var answer = StreamedAnswer.Assemble(SseEvents.ParseWithSdk(await response.Content.ReadAsStringAsync()));

        AssertContent(raw, content, answer.Text);
        AssertCalls(calls, answer.ToolCalls.Select(c => (c.Name, c.Arguments)));
        Assert.Equal(calls.Length > 0 ? OpenAI.Chat.ChatFinishReason.ToolCalls : OpenAI.Chat.ChatFinishReason.Stop, answer.FinishReason);
        Assert.NotNull(answer.Usage);
        var completion = await harness.Completions.NextAsync();
        Assert.Equal(content == Explained, completion.EmptyAnswer);
    }

    [Theory]
    [MemberData(nameof(NonStreamingFixtures))]
    public async Task Fixture_through_the_json_path_is_cleaned_with_the_expected_answer(string fixture, string? content, string calls)
    {
        await using var harness = await ProxyHarness.StartAsync();
        var raw = SharedReference.ReadVllmFixture(fixture);
        harness.Simulator.DefaultAnswer = SimulatedAnswer.RawJson(raw);

        using var response = await harness.Http.PostAsync("/v1/chat/completions", ChatBodies.Content(Request(stream: false)));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        var message = json.RootElement.GetProperty("choices")[0].GetProperty("message");
        var text = message.GetProperty("content").ValueKind == JsonValueKind.String ? message.GetProperty("content").GetString() : null;
        AssertContent(raw, content, text ?? "");
        var toolCalls = message.TryGetProperty("tool_calls", out var array)
            ? array.EnumerateArray().Select(c => (c.GetProperty("function").GetProperty("name").GetString()!, c.GetProperty("function").GetProperty("arguments").GetString()!))
            : [];
        AssertCalls(calls, toolCalls);
        foreach (var field in new[] { "prompt_logprobs", "prompt_token_ids", "kv_transfer_params", "service_tier", "system_fingerprint", })
        {
            Assert.False(json.RootElement.TryGetProperty(field, out _), field);
        }
    }

    public static TheoryData<string> StreamFixtures => new(Directory.GetFiles(SharedReference.VllmFixturesDirectory, "*.sse").Select(Path.GetFileName).Order()!);

    [Theory]
    [MemberData(nameof(StreamFixtures))]
    public async Task Stream_fixture_without_tools_passes_through_unchanged(string fixture)
    {
        await using var harness = await ProxyHarness.StartAsync();
        var sse = SharedReference.ReadVllmFixture(fixture);
        harness.Simulator.Enqueue(SimulatedAnswer.RawSse(sse));

        using var response = await harness.Http.PostAsync("/v1/chat/completions", ChatBodies.Content(ChatBodies.Create(stream: true)));

        Assert.Equal(sse, await response.Content.ReadAsStringAsync());
        var completion = await harness.Completions.NextAsync();
        Assert.Equal(sse.Contains("\"error\""), completion.Error is not null);
    }

    private static JsonObject Request(bool stream)
    {
        var body = ChatBodies.Create(stream);
        var tools = new JsonArray();
        foreach (var name in FixtureTools)
        {
            var tool = ChatBodies.Tool(name);
            if (name == "run_command")
            {
                tool["function"]!["parameters"]!["properties"] = JsonNode.Parse("""{"command":{"type":"string"},"timeout":{"type":"integer"}}""");
            }

            tools.Add(tool);
        }

        body["tools"] = tools;
        return body;
    }

    private static void AssertContent(string raw, string? expected, string actual)
    {
        if (expected == Explained)
        {
            Assert.StartsWith("⚠️ The model returned an empty answer twice (no text, no tool calls).", actual);
            return;
        }

        if (expected == "<unchanged>")
        {
            expected = JsonDocument.Parse(raw).RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString();
            Assert.Equal(expected, actual);
            return;
        }

        Assert.Equal(expected ?? "", actual.Trim());
    }

    private static void AssertCalls(string expected, IEnumerable<(string Name, string Arguments)> actual)
    {
        var want = expected.Length == 0 ? [] : expected.Split("; ").Select(e => (Name: e[..e.IndexOf(' ')], Arguments: e[(e.IndexOf(' ') + 1)..])).ToList();
        var got = actual.ToList();
        Assert.Equal(want.Select(w => w.Name), got.Select(g => g.Name));
        for (var i = 0; i < want.Count; i++)
        {
            Assert.True(JsonElement.DeepEquals(JsonDocument.Parse(want[i].Arguments).RootElement, JsonDocument.Parse(got[i].Arguments).RootElement),
                $"call {i}: expected {want[i].Arguments}, got {got[i].Arguments}");
        }
    }
}
