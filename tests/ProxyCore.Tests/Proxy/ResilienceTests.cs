using System.Net;
using OpsBot.ProxyCore.Proxy;
using Microsoft.Extensions.DependencyInjection;
using OpsBot.ProxyCore.Tests.Infrastructure;
using OpsBot.TestSupport;
using OpsBot.VllmSimulator;
using OpsBot.ProxyCore.Proxy.Upstream;

namespace OpsBot.ProxyCore.Tests.Proxy;

/// <summary>vLLM restarts, stalls and dies; clients go away. Nothing hangs and nothing is lost that could be saved.</summary>
public sealed class ResilienceTests
{
    [Theory]
    [InlineData(ToolStreamingMode.Stream)]
    [InlineData(ToolStreamingMode.Buffer)]
    public async Task Requests_during_a_vllm_restart_wait_and_then_succeed(ToolStreamingMode mode)
    {
        await using var harness = await ProxyHarness.StartAsync(o => { o.ToolStreaming = mode; o.UpstreamWait = TimeSpan.FromSeconds(20); });
        harness.Simulator.DefaultAnswer = SimulatedAnswer.Text("4");
        await harness.Simulator.StopAsync();

        var sender = harness.Services.GetRequiredService<UpstreamSender>();
        var requests = Enumerable.Range(0, 8).Select(_ => harness.Http.PostAsync("/v1/chat/completions", ChatBodies.Content(ChatBodies.Create(stream: true, "exec")))).ToList();
        // vLLM comes back only once every request has been refused and is waiting for it.
        await Eventually.HoldsAsync(() => sender.Waiting == 8, "all 8 requests wait for vLLM");
        await harness.Simulator.StartAgainAsync();
        var responses = await Task.WhenAll(requests);

        foreach (var response in responses)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("4", StreamedAnswer.Assemble(SseEvents.ParseWithSdk(await response.Content.ReadAsStringAsync())).Text);
        }

        Assert.Equal(0, sender.Waiting);
        Assert.True(RetryCount(await harness.Http.GetStringAsync("/metrics")) >= 8, "each waiting request counts at least one retry");
    }

    [Fact]
    public async Task Vllm_that_stays_down_past_the_wait_gives_a_clear_503()
    {
        await using var harness = await ProxyHarness.StartAsync(o => o.UpstreamWait = TimeSpan.FromSeconds(1));
        await harness.Simulator.StopAsync();

        using var response = await harness.Http.PostAsync("/v1/chat/completions", ChatBodies.Content(ChatBodies.Create(stream: false, "exec")));
        var body = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("Proxy:UpstreamWait", body.GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public async Task Waiting_queue_is_bounded()
    {
        await using var harness = await ProxyHarness.StartAsync(o => { o.UpstreamWait = TimeSpan.FromSeconds(3); o.MaxWaitingRequests = 1; });
        await harness.Simulator.StopAsync();

        var sender = harness.Services.GetRequiredService<UpstreamSender>();
        var first = harness.Http.PostAsync("/v1/chat/completions", ChatBodies.Content(ChatBodies.Create(stream: false, "exec")));
        await Eventually.HoldsAsync(() => sender.Waiting == 1, "the first request waits for vLLM");
        using var second = await harness.Http.PostAsync("/v1/chat/completions", ChatBodies.Content(ChatBodies.Create(stream: false, "exec")));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, second.StatusCode);
        Assert.Contains("Proxy:MaxWaitingRequests", await second.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await first).StatusCode);
    }

    [Theory]
    [InlineData(ToolStreamingMode.Stream, true)]
    [InlineData(ToolStreamingMode.Buffer, true)]
    [InlineData(ToolStreamingMode.Buffer, false)]
    public async Task Client_that_disconnects_cancels_the_upstream_request_at_once(ToolStreamingMode mode, bool tools)
    {
        await using var harness = await ProxyHarness.StartAsync(o => o.ToolStreaming = mode);
        harness.Simulator.Enqueue(SimulatedAnswer.Text(string.Join(' ', Enumerable.Repeat("slow", 200))) with { TokensPerSecond = 5 });
        using var cancel = new CancellationTokenSource();
        var body = tools ? ChatBodies.Create(stream: true, "exec") : ChatBodies.Create(stream: true);
        var request = harness.Http.PostAsync("/v1/chat/completions", ChatBodies.Content(body), cancel.Token);
        await Eventually.HoldsAsync(() => harness.Simulator.ActiveRequests > 0, "vLLM is generating");

        var cancelledAt = DateTimeOffset.UtcNow;
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => request);
        var aborted = await harness.Simulator.WaitForAbortAsync(TimeSpan.FromSeconds(10));

        // Left alone, the answer would stream for 40 s more (200 tokens at 5 tok/s): an abort within 2 s can only
        // come from the client's cancel, and 2 s holds on 2 loaded cores (100 ms did not).
        Assert.True(aborted.AbortedAt - cancelledAt < TimeSpan.FromSeconds(2), $"upstream saw the cancel after {aborted.AbortedAt - cancelledAt}");
        Assert.Null(aborted.CompletedAt);
    }

    [Theory]
    [InlineData(ToolStreamingMode.Stream)]
    [InlineData(ToolStreamingMode.Buffer)]
    public async Task Upstream_dying_mid_answer_gives_the_client_an_error_not_a_hang(ToolStreamingMode mode)
    {
        await using var harness = await ProxyHarness.StartAsync(o => { o.ToolStreaming = mode; o.UpstreamWait = TimeSpan.Zero; });
        harness.Simulator.Enqueue(SimulatedAnswer.Drop(), SimulatedAnswer.Drop());

        using var response = await harness.Http.PostAsync("/v1/chat/completions", ChatBodies.Content(ChatBodies.Create(stream: true, "exec")));
        var text = await response.Content.ReadAsStringAsync();
        var data = SseEvents.Data(text);

        // Whether text already went out (stream) or not (buffer), the stream ends with an error event and [DONE].
        Assert.True(data.Count >= 2 && data[^2].Contains("\"error\""), $"{(int)response.StatusCode}: {text}");
        Assert.Equal("[DONE]", data[^1]);
    }

    private static double RetryCount(string metrics) =>
        double.Parse(
            metrics.Split('\n').Single(l => l.StartsWith("opsbot_proxy_upstream_retries_total ", StringComparison.Ordinal)).Split(' ')[1],
            System.Globalization.CultureInfo.InvariantCulture);
}
