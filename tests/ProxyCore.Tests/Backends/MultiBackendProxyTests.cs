using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using OpsBot.ProxyCore.Proxy.Backends;
using OpsBot.ProxyCore.Tests.Infrastructure;
using OpsBot.TestSupport;
using OpsBot.VllmSimulator;

namespace OpsBot.ProxyCore.Tests.Backends;

/// <summary>Three vLLM simulators behind one proxy, driven as agent conversations are: turn after turn, many at once.</summary>
public sealed class MultiBackendProxyTests
{
    private const string System = "You are a coding agent working in /srv/repo. Use the tools.";

    [Fact]
    public async Task Each_conversation_stays_on_one_backend()
    {
        await using var harness = await BackendsHarness.StartAsync();
        var tasks = Enumerable.Range(0, 30).Select(i => $"task {i}: fix issue #{i * 7}").ToArray();

        await RunConversationsAsync(harness, tasks, turns: 4, concurrency: 6);

        var onOne = tasks.Count(task => harness.ServedBy(task).Length == 1);
        Assert.True(onOne >= 27, $"{onOne} of {tasks.Length} conversations stayed on one backend");
    }

    [Fact]
    public async Task Mixed_conversations_spread_over_every_backend()
    {
        await using var harness = await BackendsHarness.StartAsync();
        var tasks = Enumerable.Range(0, 120).Select(i => $"ticket {i}: {Guid.NewGuid()}").ToArray();

        await RunConversationsAsync(harness, tasks, turns: 1, concurrency: 8);

        var total = harness.Simulators.Sum(s => s.ChatRequests.Count);
        Assert.Equal(120, total);
        foreach (var simulator in harness.Simulators)
        {
            var share = (double)simulator.ChatRequests.Count / total;
            Assert.InRange(share, 0.15, 0.55);
        }
    }

    [Fact]
    public async Task Killing_a_backend_mid_run_fails_no_request()
    {
        await using var harness = await BackendsHarness.StartAsync();
        var victim = harness.Simulators[1];
        // Requests that reach it hang without an answer until it is killed: they die mid-request.
        victim.DefaultAnswer = SimulatedAnswer.Stall();
        var tasks = Enumerable.Range(0, 24).Select(i => $"job {i}: refactor module {i}").ToArray();

        var run = RunConversationsAsync(harness, tasks, turns: 3, concurrency: 24);
        await Eventually.HoldsAsync(() => victim.ActiveRequests >= 2, "requests are in flight on the backend to be killed");
        await victim.StopAsync();
        await run;

        // RunConversationsAsync asserted every answer; the victim's conversations moved and were answered elsewhere.
        Assert.Contains(tasks, task => harness.ServedBy(task).Contains(1));
        Assert.All(harness.Completions.Events, e => Assert.False(e.Failed, e.Error));
        Assert.Equal(tasks.Length * 3, harness.Completions.Events.Count);
        Assert.NotEqual(BackendHealth.Healthy, harness.Backends.All[1].Health);
    }

    [Fact]
    public async Task A_backend_back_after_a_failed_probe_gets_its_conversations_again()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var harness = await BackendsHarness.StartAsync(time: time, configure: o => o.HealthProbeInterval = TimeSpan.FromSeconds(5));
        var returning = harness.Backends.All[2];
        var task = TaskPreferring(harness.Backends, returning);
        await harness.Simulators[2].StopAsync();

        time.Advance(TimeSpan.FromSeconds(5));
        await Eventually.HoldsAsync(() => returning.Health == BackendHealth.Down, "the probe found the stopped backend down");
        using (var health = JsonDocument.Parse(await harness.Http.GetStringAsync("/health")))
        {
            var upstreams = health.RootElement.GetProperty("upstreams").EnumerateArray().ToArray();
            Assert.Equal(3, upstreams.Length);
            Assert.Equal("down", upstreams[2].GetProperty("state").GetString());
            Assert.Equal(returning.Name, upstreams[2].GetProperty("name").GetString());
            Assert.Equal("healthy", upstreams[0].GetProperty("state").GetString());
        }

        await AskAsync(harness, task, turn: 0);
        Assert.Empty(harness.Simulators[2].ChatRequests);

        await harness.Simulators[2].StartAgainAsync();
        time.Advance(TimeSpan.FromSeconds(5));
        await Eventually.HoldsAsync(() => returning.Health == BackendHealth.Healthy, "the probe found the backend back");
        await AskAsync(harness, task, turn: 1);

        Assert.Equal([2], harness.ServedBy(task).Where(i => i == 2));
        Assert.Single(harness.Simulators[2].ChatRequests);
    }

    [Fact]
    public async Task Health_lists_no_upstreams_with_one_url()
    {
        await using var harness = await BackendsHarness.StartAsync(count: 1);

        using var health = JsonDocument.Parse(await harness.Http.GetStringAsync("/health"));

        Assert.False(health.RootElement.TryGetProperty("upstreams", out _));
        Assert.Equal(0, harness.Simulators[0].HealthChecks);
    }

    [Fact]
    public async Task A_backend_answering_500_hands_the_request_to_another_and_the_event_and_metrics_name_who_answered()
    {
        await using var harness = await BackendsHarness.StartAsync();
        var failing = harness.Backends.All[0];
        var task = TaskPreferring(harness.Backends, failing);
        harness.Simulators[0].Enqueue(SimulatedAnswer.Error(500, """{"object":"error","message":"CUDA error: an illegal memory access","type":"InternalServerError","code":500}"""));

        await AskAsync(harness, task, turn: 0);

        var completion = await harness.Completions.NextAsync();
        var answeredBy = harness.ServedBy(task).Single(i => i != 0);
        Assert.Single(harness.Simulators[0].ChatRequests);
        Assert.Equal(harness.Backends.All[answeredBy].Name, completion.Backend);
        Assert.Equal(BackendHealth.CoolingDown, failing.Health);
        var metrics = await harness.Http.GetStringAsync("/metrics");
        Assert.Contains($"opsbot_proxy_backend_failovers_total{{backend=\"{failing.Name}\"}} 1", metrics);
        Assert.Contains($"opsbot_proxy_backend_requests_total{{backend=\"{completion.Backend}\",outcome=\"ok\"}} 1", metrics);
        Assert.Contains($"opsbot_proxy_backend_up{{backend=\"{failing.Name}\"}} 0", metrics);
    }

    [Fact]
    public async Task When_every_backend_answers_500_the_client_gets_that_error_without_waiting_for_a_restart()
    {
        await using var harness = await BackendsHarness.StartAsync();
        foreach (var simulator in harness.Simulators)
        {
            simulator.Enqueue(SimulatedAnswer.Error(500, """{"object":"error","message":"engine dead","type":"InternalServerError","code":500}"""));
        }

        using var response = await harness.Http.PostAsync("/v1/chat/completions", ChatBodies.Content(Body("doomed", turn: 0)));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Contains("engine dead", await response.Content.ReadAsStringAsync());
        Assert.All(harness.Simulators, s => Assert.Single(s.ChatRequests));
    }

    [Fact]
    public async Task A_backend_failing_mid_stream_ends_the_stream_with_an_error_event_and_the_request_is_not_sent_again()
    {
        // The backend goes silent after its first words: once bytes reached the client, no other backend is asked.
        await using var harness = await BackendsHarness.StartAsync(configure: o => o.UpstreamTimeout = TimeSpan.FromSeconds(2));
        var failing = harness.Backends.All[1];
        var task = TaskPreferring(harness.Backends, failing);
        harness.Simulators[1].Enqueue(SimulatedAnswer.StallMidStream("Let me look"));
        var body = Body(task, turn: 0);
        body["stream"] = true;

        using var response = await harness.Http.PostAsync("/v1/chat/completions", ChatBodies.Content(body));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("look", text);
        Assert.Contains("\"error\"", text);
        Assert.EndsWith("data: [DONE]", text.TrimEnd());
        Assert.Empty(harness.Simulators[0].ChatRequests);
        Assert.Empty(harness.Simulators[2].ChatRequests);
        var completion = await harness.Completions.NextAsync();
        Assert.True(completion.Failed);
        Assert.Equal(failing.Name, completion.Backend);
    }

    [Fact]
    public async Task One_url_adds_no_backend_series_and_no_backend_to_events()
    {
        await using var harness = await BackendsHarness.StartAsync(count: 1);

        await AskAsync(harness, "solo", turn: 0);

        Assert.Null((await harness.Completions.NextAsync()).Backend);
        Assert.DoesNotContain("opsbot_proxy_backend_", await harness.Http.GetStringAsync("/metrics"));
    }

    /// <summary>A conversation whose rendezvous favourite is <paramref name="backend"/>.</summary>
    private static string TaskPreferring(VllmBackends backends, VllmBackend backend)
    {
        for (var i = 0; ; i++)
        {
            var task = $"chore {i}";
            using var document = JsonDocument.Parse(Body(task, turn: 0).ToJsonString());
            if (backends.Select(ConversationAffinity.KeyOf(document.RootElement), []) == backend)
            {
                return task;
            }
        }
    }

    private static async Task RunConversationsAsync(BackendsHarness harness, IReadOnlyList<string> tasks, int turns, int concurrency)
    {
        using var gate = new SemaphoreSlim(concurrency);
        await Task.WhenAll(tasks.Select(async task =>
        {
            await gate.WaitAsync();
            try
            {
                for (var turn = 0; turn < turns; turn++)
                {
                    await AskAsync(harness, task, turn);
                }
            }
            finally
            {
                gate.Release();
            }
        }));
    }

    /// <summary>One turn; every other one streams with tools, as OpenClaw does, the rest are plain JSON calls.</summary>
    private static async Task AskAsync(BackendsHarness harness, string task, int turn)
    {
        var body = Body(task, turn);
        using var response = await harness.Http.PostAsync("/v1/chat/completions", ChatBodies.Content(body));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"turn {turn} of '{task}': {(int)response.StatusCode} {text}");
        if (body["stream"]!.GetValue<bool>())
        {
            Assert.Contains("data: [DONE]", text);
            Assert.DoesNotContain("\"error\"", text);
        }
        else
        {
            using var json = JsonDocument.Parse(text);
            Assert.Equal("4", json.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
        }
    }

    private static JsonObject Body(string task, int turn)
    {
        var stream = turn % 2 == 1;
        var body = ChatBodies.Create(stream, stream ? ["exec"] : []);
        var messages = new JsonArray(
            new JsonObject { ["role"] = "system", ["content"] = System },
            new JsonObject { ["role"] = "user", ["content"] = task });
        for (var i = 1; i <= turn; i++)
        {
            messages.Add(new JsonObject { ["role"] = "assistant", ["content"] = "4" });
            messages.Add(new JsonObject { ["role"] = "user", ["content"] = $"and step {i}?" });
        }

        body["messages"] = messages;
        return body;
    }
}
