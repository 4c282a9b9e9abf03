using System.ClientModel;
using System.Text.Json;
using OpenAI;
using OpenAI.Chat;
using OpsBot.ProxyCore.Tests.Infrastructure;
using OpsBot.VllmSimulator;

namespace OpsBot.ProxyCore.Tests.Proxy;

/// <summary>The official OpenAI .NET SDK as the client, the way an agent uses the proxy.</summary>
public sealed class OpenAiSdkClientTests
{
    private static readonly ChatTool Exec = ChatTool.CreateFunctionTool(
        "exec", "Run a shell command", BinaryData.FromString("""{"type":"object","properties":{"command":{"type":"string"},"timeout":{"type":"integer"}},"required":["command"]}"""));

    private static ChatClient Client(Uri baseUrl) =>
        new(ChatBodies.Model, new ApiKeyCredential("vllm-local"), new OpenAIClientOptions { Endpoint = new Uri(baseUrl, "/v1"), NetworkTimeout = TimeSpan.FromSeconds(30) });

    private static async Task<StreamedAnswer> StreamAsync(ChatClient client, string prompt)
    {
        var options = new ChatCompletionOptions { Tools = { Exec } };
        var updates = new List<StreamingChatCompletionUpdate>();
        await foreach (var update in client.CompleteChatStreamingAsync([new UserChatMessage(prompt)], options))
        {
            updates.Add(update);
        }

        return StreamedAnswer.Assemble(updates);
    }

    [Fact]
    public async Task Sdk_streaming_with_tools_through_the_proxy_yields_the_text()
    {
        await using var harness = await ProxyHarness.StartAsync();
        harness.Simulator.Enqueue(SimulatedAnswer.Text("2 + 2 = 4"));

        var answer = await StreamAsync(Client(harness.ProxyUrl), "What is 2+2?");

        Assert.Equal("2 + 2 = 4", answer.Text);
        Assert.Empty(answer.ToolCalls);
        Assert.Equal(ChatFinishReason.Stop, answer.FinishReason);
    }

    [Fact]
    public async Task Sdk_streaming_with_tools_through_the_proxy_yields_tool_calls_left_as_qwen_xml()
    {
        await using var harness = await ProxyHarness.StartAsync();
        harness.Simulator.Enqueue(SimulatedAnswer.Text("<tool_call>\n<function=exec>\n<parameter=command>\nls -la /tmp\n</parameter>\n</function>\n</tool_call>"));

        var answer = await StreamAsync(Client(harness.ProxyUrl), "List the files in /tmp");

        var call = Assert.Single(answer.ToolCalls);
        Assert.Equal("exec", call.Name);
        Assert.Equal("ls -la /tmp", JsonDocument.Parse(call.Arguments).RootElement.GetProperty("command").GetString());
        Assert.Equal(ChatFinishReason.ToolCalls, answer.FinishReason);
        Assert.True(string.IsNullOrEmpty(answer.Text));
        Assert.NotNull(answer.Usage);
    }

    [Fact]
    public async Task Sdk_streaming_with_native_tool_calls_through_the_proxy_yields_them()
    {
        await using var harness = await ProxyHarness.StartAsync();
        harness.Simulator.Enqueue(SimulatedAnswer.ToolCalls("Checking.", new SimulatedToolCall("exec", """{"command": "ls /tmp"}""")));

        var answer = await StreamAsync(Client(harness.ProxyUrl), "List the files in /tmp");

        Assert.Equal("Checking.", answer.Text);
        Assert.Equal("ls /tmp", JsonDocument.Parse(Assert.Single(answer.ToolCalls).Arguments).RootElement.GetProperty("command").GetString());
    }

    [Fact]
    public async Task Sdk_streaming_straight_at_a_plain_json_answer_gets_nothing_which_is_why_the_rewrap_exists()
    {
        await using var simulator = await VllmSimulatorServer.StartAsync();
        // What an upstream that ignores stream:true sends: one chat.completion JSON body.
        simulator.Enqueue(SimulatedAnswer.RawJson(SharedReference.ReadVllmFixture("nonstream_text_only.json")));

        var answer = await StreamAsync(Client(simulator.BaseUrl), "What is 2+2?");

        // The SDK reads no SSE events from a JSON body: no text, no finish — an agent shows "No reply".
        Assert.Equal(0, answer.Updates);
        Assert.Equal("", answer.Text);
        Assert.Null(answer.FinishReason);
    }

    [Fact]
    public async Task Sdk_non_streaming_through_the_proxy_gets_extracted_calls()
    {
        await using var harness = await ProxyHarness.StartAsync();
        harness.Simulator.Enqueue(SimulatedAnswer.Text("<tool_call>\n{\"name\": \"exec\", \"arguments\": {\"command\": \"uptime\"}}\n</tool_call>"));

        ChatCompletion completion = await Client(harness.ProxyUrl).CompleteChatAsync([new UserChatMessage("uptime?")], new ChatCompletionOptions { Tools = { Exec } });

        Assert.Equal(ChatFinishReason.ToolCalls, completion.FinishReason);
        var call = Assert.Single(completion.ToolCalls);
        Assert.Equal("exec", call.FunctionName);
        Assert.Equal("uptime", JsonDocument.Parse(call.FunctionArguments).RootElement.GetProperty("command").GetString());
    }

    [Fact]
    public async Task Sdk_sees_an_openai_error_when_vllm_is_down()
    {
        await using var harness = await ProxyHarness.StartWithoutUpstreamAsync();
        var client = new ChatClient(ChatBodies.Model, new ApiKeyCredential("k"),
            new OpenAIClientOptions { Endpoint = new Uri(harness.ProxyUrl, "/v1"), RetryPolicy = new System.ClientModel.Primitives.ClientRetryPolicy(0) });

        var error = await Assert.ThrowsAsync<ClientResultException>(() => client.CompleteChatAsync([new UserChatMessage("hi")], new ChatCompletionOptions { Tools = { Exec } }));

        Assert.Equal(502, error.Status);
        Assert.Contains("unreachable", error.Message);
    }
}
