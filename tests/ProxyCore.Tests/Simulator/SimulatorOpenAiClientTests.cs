using System.ClientModel;
using System.Text;
using System.Text.Json;
using OpenAI;
using OpenAI.Chat;
using OpsBot.VllmSimulator;

namespace OpsBot.ProxyCore.Tests.Simulator;

/// <summary>An official OpenAI SDK client must accept the simulator's output the way it accepts vLLM's.</summary>
public sealed class SimulatorOpenAiClientTests
{
    [Fact]
    public async Task OpenAI_sdk_reads_streamed_and_non_streamed_tool_calls()
    {
        await using var sim = await VllmSimulatorServer.StartAsync();
        var call = new SimulatedToolCall("read_file", """{"path":"src/Program.cs","start_line":1}""");
        sim.Enqueue(SimulatedAnswer.ToolCalls("Reading it.\n\n", call), SimulatedAnswer.ToolCalls(null, call));
        var client = new ChatClient(sim.ModelName, new ApiKeyCredential("unused"), new OpenAIClientOptions { Endpoint = new Uri(sim.BaseUrl, "/v1") });
        var options = new ChatCompletionOptions
        {
            Tools = { ChatTool.CreateFunctionTool("read_file", "Read a file", BinaryData.FromString("""{"type":"object","properties":{"path":{"type":"string"},"start_line":{"type":"integer"}}}""")) },
        };
        ChatMessage[] messages = [new UserChatMessage("Show me Program.cs")];

        var content = new StringBuilder();
        var arguments = new StringBuilder();
        string? name = null;
        string? id = null;
        ChatFinishReason? finish = null;
        ChatTokenUsage? usage = null;
        await foreach (var update in client.CompleteChatStreamingAsync(messages, options))
        {
            content.Append(string.Concat(update.ContentUpdate.Select(p => p.Text)));
            foreach (var toolUpdate in update.ToolCallUpdates)
            {
                name ??= toolUpdate.FunctionName;
                id ??= toolUpdate.ToolCallId;
                arguments.Append(toolUpdate.FunctionArgumentsUpdate?.ToString());
            }

            finish ??= update.FinishReason;
            usage ??= update.Usage;
        }

        ChatCompletion completion = await client.CompleteChatAsync(messages, options);

        Assert.Equal("Reading it.\n\n", content.ToString());
        Assert.Equal("read_file", name);
        Assert.StartsWith("call_", id);
        Assert.Equal(ChatFinishReason.ToolCalls, finish);
        Assert.NotNull(usage); // the SDK sends stream_options.include_usage
        Assert.Equal("src/Program.cs", JsonDocument.Parse(arguments.ToString()).RootElement.GetProperty("path").GetString());
        Assert.Equal(ChatFinishReason.ToolCalls, completion.FinishReason);
        var nonStreamed = Assert.Single(completion.ToolCalls);
        Assert.Equal(arguments.ToString(), nonStreamed.FunctionArguments.ToString());
        Assert.StartsWith("chatcmpl-tool-", nonStreamed.Id);
    }
}
