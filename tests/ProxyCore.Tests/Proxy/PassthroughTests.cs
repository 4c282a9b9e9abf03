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
        // The relay still reads what it passes on: the fixture's text and its usage chunk.
        Assert.Equal("Sure! The `tool_calls` field is streamed as deltas.".Length, completion.ContentLength);
        Assert.Equal(14, completion.CompletionTokens);
        Assert.InRange(completion.TimeToFirstByte!.Value, TimeSpan.Zero, completion.Latency);
    }

    [Fact]
    public async Task Streaming_passthrough_flushes_each_chunk_as_it_arrives()
    {
        await using var harness = await ProxyHarness.StartAsync();
        // vLLM holds after the first token until the test has read it: a proxy that buffered would never deliver it.
        var firstChunkRead = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        harness.Simulator.Enqueue(SimulatedAnswer.Text(string.Join(' ', Enumerable.Repeat("word", 20))) with { Gate = new AnswerGate(1, firstChunkRead.Task) });

        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = ChatBodies.Content(ChatBodies.Create(stream: true)) };
        using var response = await harness.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        string? line;
        while ((line = await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20))) is not null && !line.Contains("\"content\":\"word", StringComparison.Ordinal))
        {
        }

        Assert.NotNull(line);
        Assert.Equal(1, harness.Simulator.ActiveRequests);
        firstChunkRead.SetResult();
        Assert.EndsWith("data: [DONE]", (await reader.ReadToEndAsync()).TrimEnd());
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
