using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using OpsBot.ProxyCore.Proxy;
using OpsBot.ProxyCore.Tests.Infrastructure;
using OpsBot.TestSupport;
using OpsBot.VllmSimulator;
using OpsBot.ProxyCore.Proxy.RequestBodies;

namespace OpsBot.ProxyCore.Tests.Proxy;

/// <summary>Proxy:MaxBufferedRequestBytes bounds the bodies held at once; requests over it wait, none fail.</summary>
public sealed class BodyBudgetProxyTests
{
    private const int Budget = 64 * 1024;

    [Theory]
    [InlineData(ToolStreamingMode.Stream)]
    [InlineData(ToolStreamingMode.Buffer)]
    public async Task Requests_whose_bodies_do_not_fit_together_take_turns_and_all_succeed(ToolStreamingMode mode)
    {
        await using var harness = await ProxyHarness.StartAsync(o => { o.ToolStreaming = mode; o.MaxBufferedRequestBytes = Budget; });
        var vllmMayAnswer = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        harness.Simulator.DefaultAnswer = SimulatedAnswer.Text("4") with { Gate = new AnswerGate(0, vllmMayAnswer.Task) };
        var budget = harness.Services.GetRequiredService<RequestBodyBudget>();

        // Two of these (40 KB each) do not fit in 64 KiB.
        var requests = Enumerable.Range(0, 3).Select(_ => harness.Http.PostAsync("/v1/chat/completions", ChatBodies.Content(Padded(40_000)))).ToList();
        await WaitUntilAsync(() => harness.Simulator.ActiveRequests == 1 && budget.Waiting == 2);
        Assert.True(budget.InUse <= Budget, $"{budget.InUse} bytes held");
        vllmMayAnswer.SetResult();

        foreach (var response in await Task.WhenAll(requests))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("4", StreamedAnswer.Assemble(SseEvents.ParseWithSdk(await response.Content.ReadAsStringAsync())).Text);
        }

        Assert.Equal(1, harness.Simulator.PeakActiveRequests);
        Assert.Equal(3, harness.Simulator.ChatRequests.Count);
        Assert.Equal(0, budget.InUse);
    }

    [Fact]
    public async Task Small_requests_still_run_side_by_side_under_the_budget()
    {
        await using var harness = await ProxyHarness.StartAsync(o => o.MaxBufferedRequestBytes = Budget);
        var vllmMayAnswer = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        harness.Simulator.DefaultAnswer = SimulatedAnswer.Text("4") with { Gate = new AnswerGate(0, vllmMayAnswer.Task) };

        var requests = Enumerable.Range(0, 4).Select(_ => harness.Http.PostAsync("/v1/chat/completions", ChatBodies.Content(ChatBodies.Create(stream: true, "exec")))).ToList();
        // All four reach vLLM while none of them can finish: they were admitted side by side.
        await WaitUntilAsync(() => harness.Simulator.ActiveRequests == 4);
        vllmMayAnswer.SetResult();

        Assert.All(await Task.WhenAll(requests), r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(4, harness.Simulator.PeakActiveRequests);
    }

    [Fact]
    public async Task A_client_that_leaves_while_waiting_for_the_budget_gives_its_place_up_and_never_reaches_vllm()
    {
        await using var harness = await ProxyHarness.StartAsync(o => o.MaxBufferedRequestBytes = Budget);
        var vllmMayAnswer = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        harness.Simulator.DefaultAnswer = SimulatedAnswer.Text("4") with { Gate = new AnswerGate(0, vllmMayAnswer.Task) };
        var budget = harness.Services.GetRequiredService<RequestBodyBudget>();

        var first = harness.Http.PostAsync("/v1/chat/completions", ChatBodies.Content(Padded(40_000)));
        await WaitUntilAsync(() => harness.Simulator.ActiveRequests == 1);
        using var leave = new CancellationTokenSource();
        var leaving = harness.Http.PostAsync("/v1/chat/completions", ChatBodies.Content(Padded(40_000)), leave.Token);
        await WaitUntilAsync(() => budget.Waiting == 1);
        await leave.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => leaving);
        await WaitUntilAsync(() => budget.Waiting == 0);
        vllmMayAnswer.SetResult();

        Assert.Equal(HttpStatusCode.OK, (await first).StatusCode);
        using var third = await harness.Http.PostAsync("/v1/chat/completions", ChatBodies.Content(Padded(40_000)));
        Assert.Equal(HttpStatusCode.OK, third.StatusCode);
        Assert.Equal(2, harness.Simulator.ChatRequests.Count);
        Assert.Equal(0, budget.InUse);
    }

    [Fact]
    public async Task Unchanged_conversation_reaches_vllm_exactly_as_the_client_wrote_it()
    {
        await using var harness = await ProxyHarness.StartBufferedAsync();
        harness.Simulator.DefaultAnswer = SimulatedAnswer.Text("4");
        const string messages = """[{"role":"system","content":"caf\u00e9 <b> & \/ \"q\""},{"role":"user","content":"hi"}]""";
        var body = """{"model":"Qwen/Qwen3-Coder-Next-FP8","messages":""" + messages + ""","stream":true,"stream_options":{"include_usage":true},"tools":[{"type":"function","function":{"name":"exec","parameters":{"type":"object"}}}]}""";

        using var response = await harness.Http.PostAsync("/v1/chat/completions", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = harness.Simulator.ChatRequests.Single().Body;
        Assert.Contains(messages, received, StringComparison.Ordinal);
        Assert.False(JsonNode.Parse(received)!["stream"]!.GetValue<bool>());
    }

    [Fact]
    public async Task A_body_without_a_length_grows_its_share_as_it_arrives_and_gives_it_back()
    {
        await using var harness = await ProxyHarness.StartAsync(o => o.MaxBufferedRequestBytes = Budget);
        harness.Simulator.DefaultAnswer = SimulatedAnswer.Text("4");
        var budget = harness.Services.GetRequiredService<RequestBodyBudget>();
        // 200 KB sent chunked: past the first 64 KiB buffer, so it grows twice.
        using var response = await harness.Http.SendAsync(Chunked(Padded(200_000)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var forwarded = harness.Simulator.ChatRequests.Single().Json!.Value.GetProperty("messages")[0].GetProperty("content").GetString();
        Assert.Equal(200_000, forwarded!.Length);
        await WaitUntilAsync(() => budget.InUse == 0);
    }

    [Fact]
    public async Task A_body_without_a_length_over_the_limit_gets_413_and_gives_its_share_back()
    {
        await using var harness = await ProxyHarness.StartAsync(o => { o.MaxBufferedRequestBytes = Budget; o.MaxRequestBodyBytes = 100_000; });
        var budget = harness.Services.GetRequiredService<RequestBodyBudget>();
        using var response = await harness.Http.SendAsync(Chunked(Padded(200_000)));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Empty(harness.Simulator.ChatRequests);
        await WaitUntilAsync(() => budget.InUse == 0);
    }

    /// <summary>A request sent with <c>Transfer-Encoding: chunked</c> and no Content-Length.</summary>
    private static HttpRequestMessage Chunked(JsonObject body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = ChatBodies.Content(body) };
        request.Headers.TransferEncodingChunked = true;
        return request;
    }

    private static JsonObject Padded(int bytes)
    {
        var body = ChatBodies.Create(stream: true, "exec");
        body["messages"]!.AsArray().Insert(0, new JsonObject { ["role"] = "system", ["content"] = new string('x', bytes) });
        return body;
    }

    private static Task WaitUntilAsync(Func<bool> condition, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(condition))] string what = "") =>
        Eventually.HoldsAsync(condition, what);
}
