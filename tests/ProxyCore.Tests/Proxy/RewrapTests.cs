using System.Net;
using System.Text.Json;
using OpsBot.ProxyCore.Events;
using OpsBot.ProxyCore.Tests.Infrastructure;
using OpsBot.VllmSimulator;

namespace OpsBot.ProxyCore.Tests.Proxy;

/// <summary>The v4 path (<c>Proxy:ToolStreaming = buffer</c>).</summary>
public sealed class RewrapTests
{
    private const string QwenExec = "Let me look.\n\n<tool_call>\n<function=exec>\n<parameter=command>\nls /tmp\n</parameter>\n<parameter=timeout>\n30\n</parameter>\n</function>\n</tool_call>";

    [Fact]
    public async Task Streaming_tool_request_is_sent_upstream_without_streaming_and_without_stream_options()
    {
        await using var harness = await ProxyHarness.StartBufferedAsync();
        harness.Simulator.Enqueue(SimulatedAnswer.Text("4"));

        using var response = await harness.Http.PostAsync("/v1/chat/completions", ChatBodies.Content(ChatBodies.Create(stream: true, "exec")));
        await response.Content.ReadAsStringAsync();

        var upstream = Assert.Single(harness.Simulator.ChatRequests);
        Assert.False(upstream.Stream);
        Assert.False(upstream.Json!.Value.TryGetProperty("stream_options", out _));
    }

    [Fact]
    public async Task Rewrap_emits_role_content_finish_usage_then_done()
    {
        await using var harness = await ProxyHarness.StartBufferedAsync();
        harness.Simulator.Enqueue(SimulatedAnswer.Text("The answer is 4."));

        using var response = await harness.Http.PostAsync("/v1/chat/completions", ChatBodies.Content(ChatBodies.Create(stream: true, "exec")));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("no-cache", response.Headers.CacheControl?.ToString());
        var data = SseEvents.Data(body);
        Assert.Equal(5, data.Count);
        var role = SseEvents.Json(data[0]).GetProperty("choices")[0].GetProperty("delta");
        Assert.Equal("assistant", role.GetProperty("role").GetString());
        Assert.Equal("", role.GetProperty("content").GetString());
        Assert.Equal("The answer is 4.", SseEvents.Json(data[1]).GetProperty("choices")[0].GetProperty("delta").GetProperty("content").GetString());
        Assert.Equal("stop", SseEvents.Json(data[2]).GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        var usage = SseEvents.Json(data[3]);
        Assert.Equal(0, usage.GetProperty("choices").GetArrayLength());
        Assert.True(usage.GetProperty("usage").GetProperty("completion_tokens").GetInt32() > 0);
        Assert.False(usage.GetProperty("usage").TryGetProperty("prompt_tokens_details", out _));
        Assert.Equal("[DONE]", data[4]);
        Assert.All(data.Take(4), d => Assert.Equal("chat.completion.chunk", SseEvents.Json(d).GetProperty("object").GetString()));
    }

    [Fact]
    public async Task Rewrap_turns_qwen_xml_left_in_content_into_one_tool_call_chunk()
    {
        await using var harness = await ProxyHarness.StartBufferedAsync();
        harness.Simulator.Enqueue(SimulatedAnswer.Text(QwenExec));

        using var response = await harness.Http.PostAsync("/v1/chat/completions", ChatBodies.Content(ChatBodies.Create(stream: true, "exec")));
        var answer = StreamedAnswer.Assemble(SseEvents.ParseWithSdk(await response.Content.ReadAsStringAsync()));

        var call = Assert.Single(answer.ToolCalls);
        Assert.Equal("exec", call.Name);
        Assert.StartsWith("chatcmpl-tool-", call.Id);
        using var arguments = JsonDocument.Parse(call.Arguments);
        Assert.Equal("ls /tmp", arguments.RootElement.GetProperty("command").GetString());
        Assert.Equal(30, arguments.RootElement.GetProperty("timeout").GetInt32());
        Assert.Equal("Let me look.", answer.Text.Trim());
        Assert.Equal(OpenAI.Chat.ChatFinishReason.ToolCalls, answer.FinishReason);
        var completion = await harness.Completions.NextAsync();
        Assert.Equal(CompletionPath.Rewrapped, completion.Path);
        Assert.Equal(OpsBot.ProxyCore.ToolCalls.ToolCallFormat.QwenXml, completion.ToolCallFormat);
        Assert.Equal(1, completion.ToolCalls);
    }

    [Fact]
    public async Task Native_tool_calls_are_rewrapped_with_their_ids()
    {
        await using var harness = await ProxyHarness.StartBufferedAsync();
        harness.Simulator.Enqueue(SimulatedAnswer.ToolCalls(null, new SimulatedToolCall("exec", """{"command": "ls /tmp"}"""), new SimulatedToolCall("exec", """{"command": "pwd"}""")));

        using var response = await harness.Http.PostAsync("/v1/chat/completions", ChatBodies.Content(ChatBodies.Create(stream: true, "exec")));
        var answer = StreamedAnswer.Assemble(SseEvents.ParseWithSdk(await response.Content.ReadAsStringAsync()));

        Assert.Equal(2, answer.ToolCalls.Count);
        Assert.Equal(["ls /tmp", "pwd"], answer.ToolCalls.Select(c => JsonDocument.Parse(c.Arguments).RootElement.GetProperty("command").GetString()));
        Assert.All(answer.ToolCalls, c => Assert.StartsWith("chatcmpl-tool-", c.Id));
        Assert.Equal(OpenAI.Chat.ChatFinishReason.ToolCalls, answer.FinishReason);
    }

    [Fact]
    public async Task Empty_zero_token_answer_raises_the_empty_flag_on_the_completion_event()
    {
        await using var harness = await ProxyHarness.StartBufferedAsync();
        // Empty again when asked again (Proxy:EmptyAnswerRetries): the answer stays empty.
        harness.Simulator.Enqueue(SimulatedAnswer.Empty(), SimulatedAnswer.Empty());

        using var response = await harness.Http.PostAsync("/v1/chat/completions", ChatBodies.Content(ChatBodies.Create(stream: true, "exec")));
        var data = SseEvents.Data(await response.Content.ReadAsStringAsync());

        Assert.Equal("[DONE]", data[^1]);
        var completion = await harness.Completions.NextAsync();
        Assert.True(completion.EmptyAnswer);
        Assert.Equal(0, completion.CompletionTokens);
        Assert.Equal(0, completion.ToolCalls);
        Assert.False(completion.Failed);
    }

    [Fact]
    public async Task Non_streaming_tool_request_gets_clean_json_with_extracted_calls()
    {
        await using var harness = await ProxyHarness.StartBufferedAsync();
        harness.Simulator.Enqueue(SimulatedAnswer.Text(QwenExec));

        using var response = await harness.Http.PostAsync("/v1/chat/completions", ChatBodies.Content(ChatBodies.Create(stream: false, "exec")));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        var root = json.RootElement;
        Assert.Equal("chat.completion", root.GetProperty("object").GetString());
        foreach (var field in new[] { "prompt_logprobs", "prompt_token_ids", "kv_transfer_params", "service_tier", "system_fingerprint" })
        {
            Assert.False(root.TryGetProperty(field, out _), field);
        }

        var choice = root.GetProperty("choices")[0];
        Assert.False(choice.TryGetProperty("stop_reason", out _));
        Assert.False(choice.TryGetProperty("token_ids", out _));
        Assert.Equal("tool_calls", choice.GetProperty("finish_reason").GetString());
        var message = choice.GetProperty("message");
        foreach (var field in new[] { "reasoning", "reasoning_content", "refusal", "annotations", "audio", "function_call" })
        {
            Assert.False(message.TryGetProperty(field, out _), field);
        }

        Assert.Equal("exec", message.GetProperty("tool_calls")[0].GetProperty("function").GetProperty("name").GetString());
        Assert.False(root.GetProperty("usage").TryGetProperty("prompt_tokens_details", out _));
    }
}
