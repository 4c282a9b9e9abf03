using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using OpsBot.ProxyCore.Events;
using OpsBot.ProxyCore.Tests.Infrastructure;
using OpsBot.VllmSimulator;

namespace OpsBot.ProxyCore.Tests.Proxy;

public sealed class PassthroughTests
{
    [Fact]
    public async Task Health_has_the_python_proxy_body()
    {
        await using var harness = await ProxyHarness.StartAsync();

        using var json = JsonDocument.Parse(await harness.Http.GetStringAsync("/health"));

        Assert.Equal("ok", json.RootElement.GetProperty("status").GetString());
        Assert.Equal("v4", json.RootElement.GetProperty("version").GetString());
        Assert.Equal(harness.Simulator.BaseUrl.ToString().TrimEnd('/'), json.RootElement.GetProperty("vllm_url").GetString());
    }

    [Fact]
    public async Task Models_and_authorization_pass_through()
    {
        await using var harness = await ProxyHarness.StartAsync(simulatorOptions: new SimulatorOptions { ApiKey = "vllm-local" });

        using var denied = await harness.Http.GetAsync("/v1/models");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/models") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", "vllm-local") } };
        using var allowed = await harness.Http.SendAsync(request);
        using var models = JsonDocument.Parse(await allowed.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.Unauthorized, denied.StatusCode);
        Assert.Equal("Unauthorized", JsonDocument.Parse(await denied.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Equal(harness.Simulator.ModelName, models.RootElement.GetProperty("data")[0].GetProperty("id").GetString());
    }

    [Fact]
    public async Task Streaming_request_without_tools_is_relayed_byte_for_byte()
    {
        await using var harness = await ProxyHarness.StartAsync();
        var sse = SharedReference.ReadVllmFixture("stream_text.sse");
        harness.Simulator.Enqueue(SimulatedAnswer.RawSse(sse));

        using var response = await harness.Http.PostAsync("/v1/chat/completions", ChatBodies.Content(ChatBodies.Create(stream: true)));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(sse, body);
        Assert.True(Assert.Single(harness.Simulator.ChatRequests).Stream);
        var completion = await harness.Completions.NextAsync();
        Assert.Equal(CompletionPath.StreamPassthrough, completion.Path);
        Assert.True(completion.ContentLength > 0);
        Assert.NotNull(completion.CompletionTokens);
        Assert.NotNull(completion.TimeToFirstByte);
    }

    [Fact]
    public async Task Streaming_passthrough_flushes_each_chunk_as_it_arrives()
    {
        await using var harness = await ProxyHarness.StartAsync();
        harness.Simulator.Enqueue(SimulatedAnswer.Text(string.Join(' ', Enumerable.Repeat("word", 20))) with { TokensPerSecond = 2 });

        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = ChatBodies.Content(ChatBodies.Create(stream: true)) };
        using var response = await harness.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        await using var stream = await response.Content.ReadAsStreamAsync();
        var started = System.Diagnostics.Stopwatch.StartNew();
        var buffer = new byte[4096];
        var first = await stream.ReadAsync(buffer);

        // 20 tokens at 2 tok/s take ~10 s upstream; the first chunk must not wait for the last
        // (5 s leaves room for a loaded machine and still tells the two apart).
        Assert.True(first > 0);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(5), $"first chunk after {started.Elapsed}");
    }

    [Fact]
    public async Task Non_streaming_request_without_tools_drops_stream_options_and_is_cleaned()
    {
        await using var harness = await ProxyHarness.StartAsync();
        harness.Simulator.Enqueue(SimulatedAnswer.RawJson(SharedReference.ReadVllmFixture("nonstream_text_only.json")));
        var body = ChatBodies.Create(stream: false);
        body["stream_options"] = new System.Text.Json.Nodes.JsonObject { ["include_usage"] = true };

        using var response = await harness.Http.PostAsync("/v1/chat/completions", ChatBodies.Content(body));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(Assert.Single(harness.Simulator.ChatRequests).Json!.Value.TryGetProperty("stream_options", out _));
        Assert.False(json.RootElement.TryGetProperty("kv_transfer_params", out _));
        Assert.False(json.RootElement.GetProperty("choices")[0].GetProperty("message").TryGetProperty("tool_calls", out _));
    }
}
