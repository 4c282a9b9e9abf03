using System.Text.Json;
using System.Text.Json.Nodes;
using OpsBot.ProxyCore.Tests.Infrastructure;

namespace OpsBot.ProxyCore.Tests.Proxy;

public sealed class NormalizationTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task OpenAI_only_fields_are_rewritten_so_vllm_accepts_the_request(bool tools)
    {
        await using var harness = await ProxyHarness.StartAsync();
        var body = tools ? ChatBodies.Create(stream: true, "exec") : ChatBodies.Create(stream: true);
        body.Remove("max_tokens");
        body["store"] = false;
        body["max_completion_tokens"] = 1234;
        body["messages"]!.AsArray().Insert(0, new JsonObject { ["role"] = "developer", ["content"] = "Be brief." });
        body["messages"]!.AsArray().Add(new JsonObject
        {
            ["role"] = "assistant",
            ["tool_calls"] = new JsonArray(
                new JsonObject { ["id"] = "a", ["type"] = "function", ["function"] = new JsonObject { ["name"] = "exec", ["arguments"] = "{\"command\": \"ls" } },
                new JsonObject { ["id"] = "b", ["type"] = "function", ["function"] = new JsonObject { ["name"] = "exec", ["arguments"] = "" } },
                new JsonObject { ["id"] = "c", ["type"] = "function", ["function"] = new JsonObject { ["name"] = "exec", ["arguments"] = "{\"command\":\"pwd\"}" } }),
        });
        body["messages"]!.AsArray().Add(new JsonObject { ["role"] = "tool", ["tool_call_id"] = "a", ["content"] = "x" });

        using var response = await harness.Http.PostAsync("/v1/chat/completions", ChatBodies.Content(body));
        await response.Content.ReadAsStringAsync();

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        var upstream = Assert.Single(harness.Simulator.ChatRequests).Json!.Value;
        Assert.False(upstream.TryGetProperty("store", out _));
        Assert.False(upstream.TryGetProperty("max_completion_tokens", out _));
        Assert.Equal(1234, upstream.GetProperty("max_tokens").GetInt32());
        Assert.Equal("system", upstream.GetProperty("messages")[0].GetProperty("role").GetString());
        var calls = upstream.GetProperty("messages")[2].GetProperty("tool_calls");
        foreach (var call in calls.EnumerateArray())
        {
            using var args = JsonDocument.Parse(call.GetProperty("function").GetProperty("arguments").GetString()!);
            Assert.Equal(JsonValueKind.Object, args.RootElement.ValueKind);
        }

        Assert.Equal("{\"command\":\"pwd\"}", calls[2].GetProperty("function").GetProperty("arguments").GetString());
        var metrics = await harness.Http.GetStringAsync("/metrics");
        Assert.Contains("opsbot_proxy_request_normalizations_total{kind=\"developer_role\"} 1", metrics);
        Assert.Contains("opsbot_proxy_request_normalizations_total{kind=\"tool_arguments\"} 1", metrics);
    }

    [Fact]
    public async Task A_request_that_needs_no_change_is_forwarded_as_sent()
    {
        await using var harness = await ProxyHarness.StartAsync();
        var json = """{"model":"Qwen/Qwen3-Coder-Next-FP8","messages":[{"role":"user","content":"hi"}],   "stream":true}""";

        using var response = await harness.Http.PostAsync("/v1/chat/completions", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        await response.Content.ReadAsStringAsync();

        Assert.Equal(json, Assert.Single(harness.Simulator.ChatRequests).Body);
    }
}
