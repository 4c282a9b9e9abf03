using System.Text.Json;
using System.Text.Json.Nodes;
using OpsBot.ProxyCore.Events;
using OpsBot.ProxyCore.Tests.Infrastructure;
using OpsBot.ProxyCore.Proxy.Chat;

namespace OpsBot.ProxyCore.Tests.Proxy;

public sealed class LoopGuardTests
{
    private static JsonObject Conversation(bool stream, int toolResults, Func<int, string> arguments)
    {
        var body = ChatBodies.Create(stream, "exec");
        var messages = body["messages"]!.AsArray();
        for (var i = 0; i < toolResults; i++)
        {
            messages.Add(new JsonObject
            {
                ["role"] = "assistant",
                ["content"] = null,
                ["tool_calls"] = new JsonArray(new JsonObject
                {
                    ["id"] = $"call_{i}", ["type"] = "function",
                    ["function"] = new JsonObject { ["name"] = "exec", ["arguments"] = arguments(i) },
                }),
            });
            messages.Add(new JsonObject { ["role"] = "tool", ["tool_call_id"] = $"call_{i}", ["content"] = "ok" });
        }

        return body;
    }

    [Fact]
    public async Task Loop_guard_answers_itself_in_sse_once_the_tool_result_limit_is_reached()
    {
        await using var harness = await ProxyHarness.StartAsync(o => o.MaxToolCalls = 5);

        using var response = await harness.Http.PostAsync("/v1/chat/completions", ChatBodies.Content(Conversation(stream: true, 5, i => $$"""{"command":"step {{i}}"}""")));
        var answer = StreamedAnswer.Assemble(SseEvents.ParseWithSdk(await response.Content.ReadAsStringAsync()));

        Assert.Empty(harness.Simulator.ChatRequests);
        Assert.Contains("Proxy:MaxToolCalls", answer.Text);
        Assert.Equal(OpenAI.Chat.ChatFinishReason.Stop, answer.FinishReason);
        Assert.Equal(CompletionPath.LoopGuard, (await harness.Completions.NextAsync()).Path);
    }

    [Fact]
    public async Task Loop_guard_answers_json_to_a_non_streaming_client()
    {
        await using var harness = await ProxyHarness.StartAsync(o => o.MaxToolCalls = 2);

        using var response = await harness.Http.PostAsync("/v1/chat/completions", ChatBodies.Content(Conversation(stream: false, 2, i => $$"""{"command":"step {{i}}"}""")));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Empty(harness.Simulator.ChatRequests);
        var choice = json.RootElement.GetProperty("choices")[0];
        Assert.Equal("stop", choice.GetProperty("finish_reason").GetString());
        Assert.Contains("tool results", choice.GetProperty("message").GetProperty("content").GetString());
    }

    [Fact]
    public async Task Below_the_limit_the_request_reaches_vllm()
    {
        await using var harness = await ProxyHarness.StartAsync(o => o.MaxToolCalls = 5);

        using var response = await harness.Http.PostAsync("/v1/chat/completions", ChatBodies.Content(Conversation(stream: true, 4, i => $$"""{"command":"step {{i}}"}""")));
        await response.Content.ReadAsStringAsync();

        Assert.Single(harness.Simulator.ChatRequests);
    }

    [Fact]
    public async Task Same_call_three_times_in_a_row_ends_the_turn_even_with_different_spacing()
    {
        await using var harness = await ProxyHarness.StartAsync();

        using var response = await harness.Http.PostAsync("/v1/chat/completions",
            ChatBodies.Content(Conversation(stream: true, 3, i => i == 1 ? """{"command": "ls /tmp"}""" : """{"command":"ls /tmp"}""")));
        var answer = StreamedAnswer.Assemble(SseEvents.ParseWithSdk(await response.Content.ReadAsStringAsync()));

        Assert.Empty(harness.Simulator.ChatRequests);
        Assert.Contains("same call to `exec`", answer.Text);
        Assert.Contains("Proxy:MaxRepeatedToolCalls", answer.Text);
    }

    [Fact]
    public async Task Repeats_interrupted_by_a_different_call_or_a_user_message_do_not_trip_the_guard()
    {
        await using var harness = await ProxyHarness.StartAsync();
        var body = Conversation(stream: true, 4, i => i == 2 ? """{"command":"pwd"}""" : """{"command":"ls"}""");
        var second = Conversation(stream: true, 2, _ => """{"command":"ls"}""");
        var messages = second["messages"]!.AsArray();
        messages.Add(new JsonObject { ["role"] = "user", ["content"] = "again" });
        foreach (var m in Conversation(stream: true, 2, _ => """{"command":"ls"}""")["messages"]!.AsArray().Skip(1).ToList())
        {
            messages.Add(m!.DeepClone());
        }

        using var first = await harness.Http.PostAsync("/v1/chat/completions", ChatBodies.Content(body));
        await first.Content.ReadAsStringAsync();
        using var again = await harness.Http.PostAsync("/v1/chat/completions", ChatBodies.Content(second));
        await again.Content.ReadAsStringAsync();

        Assert.Equal(2, harness.Simulator.ChatRequests.Count);
    }
}
