using System.Text.Json;
using OpsBot.ProxyCore.Events;
using OpsBot.ProxyCore.Proxy;
using OpsBot.ProxyCore.Tests.Infrastructure;
using OpsBot.VllmSimulator;

namespace OpsBot.ProxyCore.Tests.Proxy;

/// <summary><c>Proxy:ToolStreaming = stream</c>: text reaches the client while vLLM is still generating.</summary>
public sealed class StreamModeTests
{
    private static async Task<string> ReadStreamAsync(ProxyHarness harness, System.Text.Json.Nodes.JsonObject body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = ChatBodies.Content(body) };
        using var response = await harness.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        return await response.Content.ReadAsStringAsync();
    }

    [Fact]
    public async Task Text_reaches_the_client_before_vllm_finishes_generating()
    {
        await using var harness = await ProxyHarness.StartAsync(ToolStreamingMode.Stream);
        // vLLM sends two tokens and then cannot go on until the client has seen text.
        var clientSawText = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        harness.Simulator.Enqueue(SimulatedAnswer.Text(string.Join(' ', Enumerable.Range(1, 30).Select(i => $"w{i}"))) with { Gate = new AnswerGate(2, clientSawText.Task) });

        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = ChatBodies.Content(ChatBodies.Create(stream: true, "exec")) };
        using var response = await harness.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var text = new System.Text.StringBuilder();
        while (await reader.ReadLineAsync() is { } line)
        {
            text.Append(line).Append('\n');
            if (!clientSawText.Task.IsCompleted && line.Contains("\"content\":\"w1", StringComparison.Ordinal))
            {
                // Had the proxy held the text back until the end, this line could never arrive before the release.
                Assert.Equal(1, harness.Simulator.ActiveRequests);
                clientSawText.SetResult();
            }
        }

        var answer = StreamedAnswer.Assemble(SseEvents.ParseWithSdk(text.ToString()));
        Assert.True(clientSawText.Task.IsCompleted, "the first words never arrived on their own");
        Assert.StartsWith("w1 w2", answer.Text);
        Assert.EndsWith("w30", answer.Text);
        Assert.True(Assert.Single(harness.Simulator.ChatRequests).Stream);
        var completion = await harness.Completions.NextAsync();
        Assert.Equal(CompletionPath.Streamed, completion.Path);
        Assert.True(completion.TimeToFirstByte < completion.Latency);
    }

    [Fact]
    public async Task Qwen_xml_in_streamed_text_is_held_back_and_sent_as_a_tool_call()
    {
        await using var harness = await ProxyHarness.StartAsync(ToolStreamingMode.Stream);
        harness.Simulator.Enqueue(SimulatedAnswer.Text("Let me look.\n<tool_call>\n<function=exec>\n<parameter=command>\nls /tmp\n</parameter>\n</function>\n</tool_call>"));

        var body = await ReadStreamAsync(harness, ChatBodies.Create(stream: true, "exec"));
        var answer = StreamedAnswer.Assemble(SseEvents.ParseWithSdk(body));

        Assert.DoesNotContain("<tool_call>", answer.Text);
        Assert.DoesNotContain("<function", body);
        Assert.Equal("Let me look.", answer.Text.Trim());
        Assert.Equal("ls /tmp", JsonDocument.Parse(Assert.Single(answer.ToolCalls).Arguments).RootElement.GetProperty("command").GetString());
        Assert.Equal(OpenAI.Chat.ChatFinishReason.ToolCalls, answer.FinishReason);
    }

    [Fact]
    public async Task Native_streamed_tool_calls_are_reassembled_into_one_chunk_each()
    {
        await using var harness = await ProxyHarness.StartAsync(ToolStreamingMode.Stream);
        harness.Simulator.Enqueue(SimulatedAnswer.ToolCalls("I'll read it.", new SimulatedToolCall("exec", """{"command": "cat a.txt", "timeout": 5}""")));

        var body = await ReadStreamAsync(harness, ChatBodies.Create(stream: true, "exec"));
        var answer = StreamedAnswer.Assemble(SseEvents.ParseWithSdk(body));

        var call = Assert.Single(answer.ToolCalls);
        Assert.StartsWith("call_", call.Id);
        Assert.Equal("cat a.txt", JsonDocument.Parse(call.Arguments).RootElement.GetProperty("command").GetString());
        Assert.Equal("I'll read it.", answer.Text);
        Assert.Single(harness.Simulator.ChatRequests);
    }

    [Fact]
    public async Task Vllm_error_event_before_any_text_is_retried_without_streaming()
    {
        await using var harness = await ProxyHarness.StartAsync(ToolStreamingMode.Stream);
        // v0.15's IndexError (#34322) after the call header, then the v4 path answers properly.
        harness.Simulator.Enqueue(SimulatedAnswer.RawSse(SharedReference.ReadVllmFixture("stream_tool_call_error_midstream.sse")),
            SimulatedAnswer.ToolCalls(null, new SimulatedToolCall("read_file", """{"path": "a.cs"}""")));
        var body = ChatBodies.Create(stream: true, "exec", "read_file");

        var sse = await ReadStreamAsync(harness, body);
        var answer = StreamedAnswer.Assemble(SseEvents.ParseWithSdk(sse));

        Assert.Equal("read_file", Assert.Single(answer.ToolCalls).Name);
        Assert.DoesNotContain("\"error\"", sse);
        Assert.Equal([true, false], harness.Simulator.ChatRequests.Select(r => r.Stream));
    }

    [Fact]
    public async Task Vllm_error_event_after_text_was_sent_ends_the_stream_with_an_error_event_when_continuing_fails_too()
    {
        await using var harness = await ProxyHarness.StartAsync(ToolStreamingMode.Stream);
        harness.Simulator.Enqueue(SimulatedAnswer.MidStreamError("Working on it"),
            SimulatedAnswer.Error(500, """{"error":{"message":"engine dead","type":"InternalServerError","code":500}}"""));

        var sse = await ReadStreamAsync(harness, ChatBodies.Create(stream: true, "exec"));
        var data = SseEvents.Data(sse);

        Assert.Contains("Working", sse);
        Assert.Contains("list index out of range", data[^2]);
        Assert.Contains("continuing it failed: vLLM answered 500", data[^2]);
        Assert.Equal("[DONE]", data[^1]);
        Assert.Equal(2, harness.Simulator.ChatRequests.Count);
        var completion = await harness.Completions.NextAsync();
        Assert.True(completion.Failed);
        Assert.False(completion.Continued);
    }

    [Fact]
    public async Task Streamed_tool_call_with_empty_arguments_for_a_required_parameter_is_asked_again()
    {
        await using var harness = await ProxyHarness.StartAsync(ToolStreamingMode.Stream);
        // The MTP/stream-interval bug: the call arrives as {} although "command" is required.
        harness.Simulator.Enqueue(SimulatedAnswer.ToolCalls(null, new SimulatedToolCall("exec", "{}")),
            SimulatedAnswer.ToolCalls(null, new SimulatedToolCall("exec", """{"command": "ls"}""")));
        var body = ChatBodies.Create(stream: true, "exec");
        body["tools"]![0]!["function"]!["parameters"]!["required"] = new System.Text.Json.Nodes.JsonArray("command");

        var sse = await ReadStreamAsync(harness, body);
        var answer = StreamedAnswer.Assemble(SseEvents.ParseWithSdk(sse));

        Assert.Equal("ls", JsonDocument.Parse(Assert.Single(answer.ToolCalls).Arguments).RootElement.GetProperty("command").GetString());
        Assert.Equal(2, harness.Simulator.ChatRequests.Count);
    }

    [Fact]
    public async Task Prose_with_a_marker_split_across_deltas_is_delivered_whole()
    {
        await using var harness = await ProxyHarness.StartAsync(ToolStreamingMode.Stream);
        harness.Simulator.Enqueue(SimulatedAnswer.Text("Use a <toolbox> element or [brackets] in text, and `code`."));

        var sse = await ReadStreamAsync(harness, ChatBodies.Create(stream: true, "exec"));
        var answer = StreamedAnswer.Assemble(SseEvents.ParseWithSdk(sse));

        Assert.Equal("Use a <toolbox> element or [brackets] in text, and `code`.", answer.Text);
        Assert.Empty(answer.ToolCalls);
    }
}
