using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using OpsBot.VllmSimulator;
using OpsBot.ProxyCore.Proxy.Chat;

namespace OpsBot.ProxyCore.Tests.Simulator;

public sealed class SimulatorLifecycleTests
{
    [Fact]
    public async Task Health_follows_the_Healthy_flag_with_empty_bodies()
    {
        await using var sim = await VllmSimulatorServer.StartAsync();
        using var http = SimulatorClient.Create(sim);

        using var up = await http.GetAsync("/health");
        sim.Healthy = false;
        using var down = await http.GetAsync("/health");
        sim.Healthy = true;
        using var upAgain = await http.GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, up.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
        Assert.Equal(HttpStatusCode.OK, upAgain.StatusCode);
        Assert.Equal(string.Empty, await up.Content.ReadAsStringAsync());
        Assert.Equal(string.Empty, await down.Content.ReadAsStringAsync());
        Assert.Equal(3, sim.HealthChecks);
        Assert.Empty(sim.Requests); // pollers are counted, not recorded
    }

    [Fact]
    public async Task Stop_refuses_connections_and_StartAgain_serves_the_queue_on_the_same_port()
    {
        await using var sim = await VllmSimulatorServer.StartAsync();
        var baseUrl = sim.BaseUrl;
        sim.Enqueue(SimulatedAnswer.Text("after restart"));

        await sim.StopAsync();
        using (var refused = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(5) })
        {
            var failure = await Assert.ThrowsAsync<HttpRequestException>(() => refused.GetAsync("/health"));
            Assert.Equal(SocketError.ConnectionRefused, Assert.IsType<SocketException>(failure.InnerException).SocketErrorCode);
        }

        await sim.StartAgainAsync();
        using var http = SimulatorClient.Create(sim);
        var (response, body) = await SimulatorClient.PostChatAsync(http, SimulatorClient.ChatBody(stream: false));

        Assert.Equal(baseUrl, sim.BaseUrl);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("after restart", Content(body));
    }

    [Fact]
    public async Task Stop_resets_an_in_flight_stream()
    {
        await using var sim = await VllmSimulatorServer.StartAsync();
        sim.Enqueue(SimulatedAnswer.StallMidStream("partial"));
        using var http = SimulatorClient.Create(sim);
        using var response = await http.SendAsync(SimulatorClient.ChatRequest(SimulatorClient.ChatBody(stream: true)), HttpCompletionOption.ResponseHeadersRead);
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        Assert.StartsWith("data: ", await reader.ReadLineAsync());

        await sim.StopAsync();

        await Assert.ThrowsAnyAsync<IOException>(() => reader.ReadToEndAsync());
    }

    [Fact]
    public async Task Client_cancel_is_recorded_as_an_abort_at_once()
    {
        await using var sim = await VllmSimulatorServer.StartAsync();
        sim.Enqueue(SimulatedAnswer.StallMidStream("thinking"));
        using var http = SimulatorClient.Create(sim);
        using var cts = new CancellationTokenSource();
        using var response = await http.SendAsync(SimulatorClient.ChatRequest(SimulatorClient.ChatBody(stream: true)), HttpCompletionOption.ResponseHeadersRead, cts.Token);
        var stream = await response.Content.ReadAsStreamAsync(cts.Token);
        var buffer = new byte[16 * 1024];
        var received = string.Empty;
        while (!received.Contains("thinking", StringComparison.Ordinal))
        {
            received += System.Text.Encoding.UTF8.GetString(buffer, 0, await stream.ReadAsync(buffer, cts.Token));
        }

        Assert.Equal(1, sim.ActiveRequests);

        // A cancelled read is how SDK clients abort; it closes the connection instead of draining it.
        var pendingRead = stream.ReadAsync(buffer, cts.Token).AsTask();
        var cancelledAt = TimeProvider.System.GetUtcNow();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pendingRead);
        var aborted = await sim.WaitForAbortAsync(TimeSpan.FromSeconds(5));

        Assert.NotNull(aborted.AbortedAt);
        // The stall never ends by itself, so any abort is the cancel's; 2 s bounds "at once" on 2 loaded cores.
        Assert.InRange(aborted.AbortedAt!.Value - cancelledAt, TimeSpan.Zero, TimeSpan.FromSeconds(2));
        Assert.True(aborted.Stream);
        Assert.Null(aborted.CompletedAt);
        await WaitUntilAsync(() => sim.ActiveRequests == 0);
    }

    [Fact]
    public async Task Drop_resets_the_connection_and_is_not_reported_as_a_client_abort()
    {
        await using var sim = await VllmSimulatorServer.StartAsync();
        sim.Enqueue(SimulatedAnswer.Drop(), SimulatedAnswer.Drop());
        using var http = SimulatorClient.Create(sim);

        await Assert.ThrowsAsync<HttpRequestException>(() => SimulatorClient.PostChatAsync(http, SimulatorClient.ChatBody(stream: false)));
        using var response = await http.SendAsync(SimulatorClient.ChatRequest(SimulatorClient.ChatBody(stream: true)), HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var midStream = await Record.ExceptionAsync(() => response.Content.ReadAsStringAsync());
        Assert.True(midStream is HttpRequestException or IOException, $"expected a transport error, got {midStream}");

        await Assert.ThrowsAsync<TimeoutException>(() => sim.WaitForAbortAsync(TimeSpan.FromMilliseconds(200)));
    }

    [Fact]
    public async Task Think_time_and_token_rate_pace_the_stream()
    {
        await using var sim = await VllmSimulatorServer.StartAsync();
        var think = TimeSpan.FromMilliseconds(250);
        sim.Enqueue(SimulatedAnswer.Text("warm"), SimulatedAnswer.Text("one two three four five six seven eight nine ten") with { ThinkTime = think, TokensPerSecond = 100 });
        using var http = SimulatorClient.Create(sim);
        await SimulatorClient.PostChatAsync(http, SimulatorClient.ChatBody(stream: true)); // JIT and connection warm-up
        var clock = Stopwatch.StartNew();

        using var response = await http.SendAsync(SimulatorClient.ChatRequest(SimulatorClient.ChatBody(stream: true)), HttpCompletionOption.ResponseHeadersRead);
        var headersAfter = clock.Elapsed;
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var arrivals = new List<TimeSpan>();
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("data: {", StringComparison.Ordinal) && line.Contains("\"delta\":{\"content\":\"", StringComparison.Ordinal) && !line.Contains("\"finish_reason\":\"", StringComparison.Ordinal))
            {
                arrivals.Add(clock.Elapsed);
            }
        }

        // Headers go out before prefill; 10 deltas at 100 tok/s span >= 90 ms after the think time.
        Assert.True(headersAfter < think, $"headers took {headersAfter}");
        Assert.Equal(10, arrivals.Count);
        Assert.InRange(arrivals[0], think - TimeSpan.FromMilliseconds(15), think + TimeSpan.FromSeconds(2));
        Assert.InRange(arrivals[^1], think + TimeSpan.FromMilliseconds(90 - 15), think + TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task Answers_are_served_in_queue_order_then_the_default()
    {
        await using var sim = await VllmSimulatorServer.StartAsync();
        sim.Enqueue(SimulatedAnswer.Text("first"), SimulatedAnswer.Text("second"));
        sim.Enqueue(SimulatedAnswer.Text("third"));
        using var http = SimulatorClient.Create(sim);

        var contents = new List<string?>();
        for (var i = 0; i < 4; i++)
        {
            var (_, body) = await SimulatorClient.PostChatAsync(http, SimulatorClient.ChatBody(stream: false));
            contents.Add(Content(body));
        }

        Assert.Equal(["first", "second", "third", "4"], contents);
        Assert.Equal(4, sim.ChatRequests.Count);
        Assert.All(sim.ChatRequests, r => Assert.Equal(200, r.StatusCode));
        Assert.Equal(SimulatedAnswer.Text("second"), sim.ChatRequests[1].Answer);
    }

    [Fact]
    public async Task Mid_stream_error_ends_with_an_error_event_and_done_without_finish_or_usage_and_only_streams_have_it()
    {
        var fixture = SseEvents.Parse(VllmFixtures.Read("stream_tool_call_error_midstream.sse"));
        await using var sim = await VllmSimulatorServer.StartAsync();
        sim.Enqueue(SimulatedAnswer.MidStreamError("Let me look."), SimulatedAnswer.MidStreamError("Fine."));
        using var http = SimulatorClient.Create(sim);

        var (response, body) = await SimulatorClient.PostChatAsync(http, SimulatorClient.ChatBody(stream: true, new { include_usage = true }));
        var (nonStream, nonStreamBody) = await SimulatorClient.PostChatAsync(http, SimulatorClient.ChatBody(stream: false));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var events = SseEvents.Parse(body);
        Assert.Equal("[DONE]", events[^1]);
        Assert.Equal(JsonShape.Of(fixture[^2]), JsonShape.Of(events[^2]));
        Assert.All(events.SkipLast(2), e =>
        {
            var root = JsonDocument.Parse(e).RootElement;
            Assert.False(root.TryGetProperty("usage", out _));
            Assert.Equal(JsonValueKind.Null, root.GetProperty("choices")[0].GetProperty("finish_reason").ValueKind);
        });
        Assert.Equal(HttpStatusCode.OK, nonStream.StatusCode);
        var choice = JsonDocument.Parse(nonStreamBody).RootElement.GetProperty("choices")[0];
        Assert.Equal("Fine.", choice.GetProperty("message").GetProperty("content").GetString());
        Assert.Equal("stop", choice.GetProperty("finish_reason").GetString());
    }

    [Fact]
    public async Task Metrics_expose_live_running_requests_and_counters_with_vllm_names()
    {
        var fixtureNames = MetricNames(VllmFixtures.Read("metrics.txt"));
        await using var sim = await VllmSimulatorServer.StartAsync();
        using var http = SimulatorClient.Create(sim);
        await SimulatorClient.PostChatAsync(http, SimulatorClient.ChatBody(stream: false));
        sim.Enqueue(SimulatedAnswer.Stall());
        using var cts = new CancellationTokenSource();
        var stalled = http.SendAsync(SimulatorClient.ChatRequest(SimulatorClient.ChatBody(stream: false)), cts.Token);
        await WaitUntilAsync(() => sim.ActiveRequests == 1);

        var metrics = await http.GetStringAsync("/metrics");
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => stalled);

        Assert.Subset(fixtureNames, MetricNames(metrics));
        Assert.Contains("vllm:num_requests_running{engine=\"0\",model_name=\"Qwen/Qwen3-Coder-Next-FP8\"} 1.0\n", metrics);
        Assert.Contains("vllm:request_success_total{engine=\"0\",model_name=\"Qwen/Qwen3-Coder-Next-FP8\",finished_reason=\"stop\"} 1.0\n", metrics);
        Assert.DoesNotContain("vllm:generation_tokens_total{engine=\"0\",model_name=\"Qwen/Qwen3-Coder-Next-FP8\"} 0.0", metrics);
    }

    private static HashSet<string> MetricNames(string exposition) =>
        exposition.Split('\n')
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l[..l.IndexOfAny(['{', ' '])])
            .ToHashSet();

    private static string? Content(string body) =>
        JsonDocument.Parse(body).RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString();

    private static Task WaitUntilAsync(Func<bool> condition, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(condition))] string what = "") =>
        OpsBot.TestSupport.Eventually.HoldsAsync(condition, what);
}
