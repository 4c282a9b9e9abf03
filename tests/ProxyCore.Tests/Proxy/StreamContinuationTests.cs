using System.Text.Json;
using OpsBot.ProxyCore.Proxy;
using OpsBot.ProxyCore.Tests.Infrastructure;
using OpsBot.VllmSimulator;

namespace OpsBot.ProxyCore.Tests.Proxy;

/// <summary>
/// vLLM v0.15's stream can fail after text reached the client (#34322): the proxy asks vLLM, without streaming, to carry
/// on exactly the text sent (continue_final_message) and sends only the rest into the same stream.
/// </summary>
public sealed class StreamContinuationTests
{
    [Fact]
    public async Task A_stream_that_breaks_after_text_is_continued_and_the_client_sees_the_whole_answer_once()
    {
        await using var harness = await ProxyHarness.StartAsync(ToolStreamingMode.Stream);
        harness.Simulator.Enqueue(SimulatedAnswer.MidStreamError("The answer is"), SimulatedAnswer.Text(" 4."));

        var sse = await ReadStreamAsync(harness);
        var answer = StreamedAnswer.Assemble(SseEvents.ParseWithSdk(sse));

        Assert.Equal("The answer is 4.", answer.Text);
        Assert.Equal(OpenAI.Chat.ChatFinishReason.Stop, answer.FinishReason);
        Assert.NotNull(answer.Usage);
        Assert.DoesNotContain("error", sse);
        Assert.Equal("[DONE]", SseEvents.Data(sse)[^1]);

        var requests = harness.Simulator.ChatRequests;
        Assert.Equal(2, requests.Count);
        var continuation = requests[1].Json!.Value;
        Assert.False(requests[1].Stream);
        Assert.False(continuation.TryGetProperty("stream_options", out _));
        Assert.True(continuation.GetProperty("continue_final_message").GetBoolean());
        Assert.False(continuation.GetProperty("add_generation_prompt").GetBoolean());
        var messages = continuation.GetProperty("messages");
        Assert.Equal(2, messages.GetArrayLength());
        Assert.Equal("user", messages[0].GetProperty("role").GetString());
        Assert.Equal("""{"role":"assistant","content":"The answer is"}""", messages[1].GetRawText());

        var completion = await harness.Completions.NextAsync();
        Assert.True(completion.Continued);
        Assert.False(completion.Failed);
        Assert.Null(completion.Error);
        Assert.Equal("The answer is 4.".Length, completion.ContentLength);
        Assert.Contains(harness.Logs.Lines, l => l.Message.Contains("continued=True", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Only_the_text_the_client_got_is_continued_not_what_was_held_back()
    {
        await using var harness = await ProxyHarness.StartAsync(ToolStreamingMode.Stream);
        // "{" at a line start may open a JSON tool call: held back, never sent, so the model writes it again.
        harness.Simulator.Enqueue(SimulatedAnswer.MidStreamError("Here it is:\n{\"a\""), SimulatedAnswer.Text("{\"a\": 1}"));

        var answer = StreamedAnswer.Assemble(SseEvents.ParseWithSdk(await ReadStreamAsync(harness)));

        var sent = harness.Simulator.ChatRequests[1].Json!.Value.GetProperty("messages")[1].GetProperty("content").GetString();
        Assert.Equal("Here it is:\n", sent);
        Assert.Equal("Here it is:\n{\"a\": 1}", answer.Text);
    }

    [Fact]
    public async Task A_tool_call_in_the_continuation_is_sent_as_a_tool_call()
    {
        await using var harness = await ProxyHarness.StartAsync(ToolStreamingMode.Stream);
        harness.Simulator.Enqueue(SimulatedAnswer.MidStreamError("Let me look."),
            SimulatedAnswer.QwenXmlInContent(" Listing it.", new SimulatedToolCall("exec", """{"command": "ls /tmp"}""")));

        var sse = await ReadStreamAsync(harness);
        var answer = StreamedAnswer.Assemble(SseEvents.ParseWithSdk(sse));

        Assert.Equal("Let me look. Listing it.", answer.Text.TrimEnd());
        var call = Assert.Single(answer.ToolCalls);
        Assert.Equal("exec", call.Name);
        Assert.Equal("ls /tmp", JsonDocument.Parse(call.Arguments).RootElement.GetProperty("command").GetString());
        Assert.Equal(OpenAI.Chat.ChatFinishReason.ToolCalls, answer.FinishReason);
        Assert.DoesNotContain("<tool_call>", sse);
        var completion = await harness.Completions.NextAsync();
        Assert.True(completion.Continued);
        Assert.Equal(1, completion.ToolCalls);
    }

    [Fact]
    public async Task An_empty_continuation_ends_the_stream_with_the_error_event()
    {
        await using var harness = await ProxyHarness.StartAsync(ToolStreamingMode.Stream);
        harness.Simulator.Enqueue(SimulatedAnswer.MidStreamError("The answer is"), SimulatedAnswer.Empty());

        var data = SseEvents.Data(await ReadStreamAsync(harness));

        Assert.EndsWith("list index out of range; continuing it failed: vLLM's continuation was empty",
            SseEvents.Json(data[^2]).GetProperty("error").GetProperty("message").GetString());
        Assert.Equal("[DONE]", data[^1]);
        var completion = await harness.Completions.NextAsync();
        Assert.True(completion.Failed);
        Assert.False(completion.Continued);
    }

    [Fact]
    public async Task A_continuation_that_does_not_answer_in_time_ends_the_stream_with_the_error_event()
    {
        // The continuation gets what is left of UpstreamTimeout; 3 s holds on loaded cores, as the stall holds forever.
        await using var harness = await ProxyHarness.StartAsync(o => o.UpstreamTimeout = TimeSpan.FromSeconds(3));
        harness.Simulator.Enqueue(SimulatedAnswer.MidStreamError("The answer is"), SimulatedAnswer.Stall());

        var data = SseEvents.Data(await ReadStreamAsync(harness));

        Assert.Contains("continuing it failed: vLLM did not answer within what was left of Proxy:UpstreamTimeout", data[^2]);
        Assert.Equal("[DONE]", data[^1]);
        Assert.True((await harness.Completions.NextAsync()).Failed);
    }

    [Fact]
    public async Task A_stream_cut_after_text_is_continued()
    {
        await using var harness = await ProxyHarness.StartAsync(ToolStreamingMode.Stream);
        // Drop: the connection is reset after the first chunk.
        harness.Simulator.Enqueue(SimulatedAnswer.Drop(), SimulatedAnswer.Text(" and the rest."));

        var sse = await ReadStreamAsync(harness);
        var answer = StreamedAnswer.Assemble(SseEvents.ParseWithSdk(sse));

        var sent = harness.Simulator.ChatRequests[1].Json!.Value.GetProperty("messages")[1].GetProperty("content").GetString();
        Assert.Equal(sent + " and the rest.", answer.Text);
        Assert.DoesNotContain("error", sse);
        Assert.True((await harness.Completions.NextAsync()).Continued);
    }

    private static async Task<string> ReadStreamAsync(ProxyHarness harness)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = ChatBodies.Content(ChatBodies.Create(stream: true, "exec")) };
        using var response = await harness.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        return await response.Content.ReadAsStringAsync();
    }
}
