using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using OpsBot.ProxyCore.Events;
using OpsBot.ProxyCore.Tests.Infrastructure;
using OpsBot.VllmSimulator;

namespace OpsBot.ProxyCore.Tests.Proxy;

public sealed class ErrorHandlingTests
{
    [Fact]
    public async Task Malformed_json_gets_400_openai_error_and_nothing_is_forwarded()
    {
        await using var harness = await ProxyHarness.StartAsync();

        using var response = await harness.Http.PostAsync("/v1/chat/completions", new StringContent("{\"model\": \"m\", \"messages\": [", Encoding.UTF8, "application/json"));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = json.RootElement.GetProperty("error");
        Assert.Contains("not valid JSON", error.GetProperty("message").GetString());
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal(400, error.GetProperty("code").GetInt32());
        Assert.Empty(harness.Simulator.ChatRequests);
    }

    [Fact]
    public async Task Unreachable_upstream_gives_502_json_to_a_non_streaming_client()
    {
        await using var harness = await ProxyHarness.StartWithoutUpstreamAsync();

        using var response = await harness.Http.PostAsync("/v1/chat/completions", ChatBodies.Content(ChatBodies.Create(stream: false, "exec")));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("upstream_unavailable", json.RootElement.GetProperty("error").GetProperty("type").GetString());
        Assert.Contains("unreachable", json.RootElement.GetProperty("error").GetProperty("message").GetString());
        var completion = await harness.Completions.NextAsync();
        Assert.Equal(CompletionPath.UpstreamUnavailable, completion.Path);
        Assert.True(completion.Failed);
    }

    [Fact]
    public async Task Unreachable_upstream_gives_an_sse_error_event_and_done_to_a_streaming_client()
    {
        await using var harness = await ProxyHarness.StartWithoutUpstreamAsync();

        using var response = await harness.Http.PostAsync("/v1/chat/completions", ChatBodies.Content(ChatBodies.Create(stream: true, "exec")));
        var data = SseEvents.Data(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(2, data.Count);
        Assert.Equal(502, SseEvents.Json(data[0]).GetProperty("error").GetProperty("code").GetInt32());
        Assert.Equal("[DONE]", data[1]);
    }

    [Theory]
    [InlineData("error_400_context_length.json", 400)]
    [InlineData("error_404_model_not_found.json", 404)]
    [InlineData("error_500_internal.json", 500)]
    public async Task Upstream_error_status_and_body_pass_through(string fixture, int status)
    {
        await using var harness = await ProxyHarness.StartAsync();
        var body = SharedReference.ReadVllmFixture(fixture);
        harness.Simulator.Enqueue(SimulatedAnswer.Error(status, body));

        using var response = await harness.Http.PostAsync("/v1/chat/completions", ChatBodies.Content(ChatBodies.Create(stream: true, "exec")));
        var received = await response.Content.ReadAsStringAsync();

        Assert.Equal(status, (int)response.StatusCode);
        Assert.True(JsonElement.DeepEquals(JsonDocument.Parse(body).RootElement, JsonDocument.Parse(received).RootElement));
        var completion = await harness.Completions.NextAsync();
        Assert.Equal(CompletionPath.UpstreamError, completion.Path);
        Assert.Equal(status, completion.UpstreamStatus);
    }

    [Fact]
    public async Task Upstream_garbage_gives_502_with_a_clear_message()
    {
        await using var harness = await ProxyHarness.StartAsync();
        harness.Simulator.Enqueue(SimulatedAnswer.Garbage());

        using var response = await harness.Http.PostAsync("/v1/chat/completions", ChatBodies.Content(ChatBodies.Create(stream: false, "exec")));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains("not JSON", json.RootElement.GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public async Task Request_bodies_of_8_mb_are_accepted_and_forwarded_intact()
    {
        // 8 MB is ~2 M tokens: past the simulator's default context, which (like vLLM) would answer 400.
        await using var harness = await ProxyHarness.StartAsync(simulatorOptions: new SimulatorOptions { MaxModelLen = 4_000_000 });
        var body = ChatBodies.Create(stream: true, "exec");
        var big = new string('x', 8 * 1024 * 1024);
        body["messages"]!.AsArray().Add(new System.Text.Json.Nodes.JsonObject { ["role"] = "user", ["content"] = big });

        using var response = await harness.Http.PostAsync("/v1/chat/completions", ChatBodies.Content(body));
        await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var forwarded = Assert.Single(harness.Simulator.ChatRequests).Json!.Value.GetProperty("messages")[1].GetProperty("content").GetString();
        Assert.Equal(big.Length, forwarded!.Length);
    }

    [Fact]
    public async Task Body_over_the_limit_gets_413_openai_error()
    {
        await using var harness = await ProxyHarness.StartAsync(o => o.MaxRequestBodyBytes = 64 * 1024);
        var body = ChatBodies.Create(stream: false);
        body["messages"]!.AsArray().Add(new System.Text.Json.Nodes.JsonObject { ["role"] = "user", ["content"] = new string('x', 100 * 1024) });

        using var response = await harness.Http.PostAsync("/v1/chat/completions", ChatBodies.Content(body));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("Proxy:MaxRequestBodyBytes", json.RootElement.GetProperty("error").GetProperty("message").GetString());
        Assert.Empty(harness.Simulator.ChatRequests);
    }

    [Fact]
    public async Task Stalled_upstream_times_out_with_504()
    {
        await using var harness = await ProxyHarness.StartAsync(o => o.UpstreamTimeout = TimeSpan.FromMilliseconds(500));
        harness.Simulator.Enqueue(SimulatedAnswer.Stall());

        using var response = await harness.Http.PostAsync("/v1/chat/completions", ChatBodies.Content(ChatBodies.Create(stream: false, "exec")));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Equal("upstream_timeout", json.RootElement.GetProperty("error").GetProperty("type").GetString());
    }
}
