using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpsBot.ProxyCore.Events;
using OpsBot.ProxyCore.Proxy;
using OpsBot.ProxyCore.Tests.Infrastructure;
using OpsBot.VllmSimulator;
using OpsBot.ProxyCore.Proxy.RequestBodies;
using OpsBot.ProxyCore.Proxy.Upstream;

namespace OpsBot.ProxyCore.Tests.Proxy;

/// <summary>
/// Issue 11's table, row by row, through the real listener: what a hostile client or a broken upstream sent, and
/// the clear answer, bounded memory and one honest event and log line that must come out of it.
/// </summary>
public sealed class HostileInputTests
{
    private const int MaxLogLine = 8 * 1024;

    // Row: 12 clients x 70 MB chunked bodies while vLLM hangs.
    [Fact]
    public async Task Chunked_uploads_past_the_limit_while_vllm_hangs_get_413_and_never_hold_more_than_the_budget_plus_one_body()
    {
        const int Budget = 256 * 1024, Limit = 1024 * 1024;
        await using var harness = await ProxyHarness.StartAsync(o => { o.MaxBufferedRequestBytes = Budget; o.MaxRequestBodyBytes = Limit; });
        harness.Simulator.DefaultAnswer = SimulatedAnswer.Stall();
        var budget = harness.Services.GetRequiredService<RequestBodyBudget>();

        var uploads = Enumerable.Range(0, 6).Select(_ => RawHttp.PostChunkedAsync(harness.ProxyUrl, 3 * Limit)).ToList();
        long peak = 0;
        while (!uploads.All(u => u.IsCompleted))
        {
            peak = Math.Max(peak, budget.InUse);
            await Task.Delay(2);
        }

        foreach (var response in await Task.WhenAll(uploads))
        {
            Assert.Equal(413, response.Status);
            AssertOpenAiError(response.Body, "invalid_request_error");
        }

        Assert.Empty(harness.Simulator.ChatRequests);
        // A body refused at the limit got there by outgrowing the others: the one allowed past the budget.
        Assert.InRange(peak, 1, Budget + Limit + RequestBufferPool.MaxRetainedLength);
        await WaitUntilAsync(() => budget.InUse == 0 && harness.Completions.Events.Count == 6);
        Assert.All(harness.Completions.Events, e => Assert.Equal(CompletionPath.BadRequest, e.Path));
    }

    // Same row, the other half of the promise: bounded by waiting, not by failing, and no deadlock.
    [Fact]
    public async Task Chunked_bodies_that_together_fill_the_budget_many_times_over_all_get_through()
    {
        await using var harness = await ProxyHarness.StartAsync(o => o.MaxBufferedRequestBytes = 64 * 1024);
        var budget = harness.Services.GetRequiredService<RequestBodyBudget>();

        var requests = Enumerable.Range(0, 8).Select(async _ =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = ChatBodies.Content(Padded(150_000)) };
            request.Headers.TransferEncodingChunked = true;
            using var response = await harness.Http.SendAsync(request);
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }).ToList();

        foreach (var (status, body) in await Task.WhenAll(requests).WaitAsync(TimeSpan.FromSeconds(60)))
        {
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal("4", StreamedAnswer.Assemble(SseEvents.ParseWithSdk(body)).Text);
        }

        Assert.Equal(8, harness.Simulator.ChatRequests.Count);
        await WaitUntilAsync(() => budget.InUse == 0);
    }

    // Row: upstream 500 with a 50 MB JSON body (here 2 MiB, the same code path).
    [Theory]
    [InlineData(false, true)]
    [InlineData(true, true)]
    [InlineData(true, false)]
    public async Task A_huge_upstream_error_body_reaches_the_client_whole_and_only_its_start_reaches_logs_and_events(bool stream, bool tools)
    {
        await using var harness = await ProxyHarness.StartAsync();
        var errorBody = "{\"error\":\"" + new string('E', 2 * 1024 * 1024) + "\"}";
        harness.Simulator.Enqueue(SimulatedAnswer.Error(500, errorBody));

        using var response = await harness.Http.PostAsync("/v1/chat/completions", ChatBodies.Content(tools ? ChatBodies.Create(stream, "exec") : ChatBodies.Create(stream)));
        var received = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal(errorBody, received);
        var completion = await harness.Completions.NextAsync();
        Assert.Equal(CompletionPath.UpstreamError, completion.Path);
        Assert.Equal(500, completion.UpstreamStatus);
        Assert.StartsWith("{\"error\":\"EEEE", completion.Error);
        Assert.InRange(completion.Error!.Length, 1000, UpstreamExcerpt.MaxBytes);
        Assert.EndsWith($"(cut, {errorBody.Length} bytes)", completion.Error);
        AssertLogLinesBounded(harness);
    }

    // Row: upstream sends one 50 MB SSE line (here 1 MiB against a 64 KiB limit).
    [Fact]
    public async Task One_oversized_event_ends_a_relayed_stream_with_an_error_event_and_done()
    {
        await using var harness = await ProxyHarness.StartAsync(o => o.MaxSseEventBytes = 64 * 1024);
        harness.Simulator.Enqueue(SimulatedAnswer.RawSse(Chunk("Hel") + "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + new string('x', 1024 * 1024) + "\"}}]}\n\n" + "data: [DONE]\n\n"));

        using var response = await harness.Http.PostAsync("/v1/chat/completions", ChatBodies.Content(ChatBodies.Create(stream: true)));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(body.Length < 64 * 1024, $"{body.Length} chars relayed");
        Assert.Equal("Hel", StreamedAnswer.Assemble(SseEvents.ParseWithSdk(body.Replace(ErrorEvent(body), ""))).Text);
        AssertEndsWithError(body, "Proxy:MaxSseEventBytes");
        var completion = await harness.Completions.NextAsync();
        Assert.True(completion.Failed);
        Assert.Contains("Proxy:MaxSseEventBytes", completion.Error);
    }

    [Fact]
    public async Task One_oversized_event_in_stream_mode_before_any_text_is_asked_again_without_streaming()
    {
        await using var harness = await ProxyHarness.StartAsync(o => o.MaxSseEventBytes = 64 * 1024);
        harness.Simulator.Enqueue(SimulatedAnswer.RawSse("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + new string('x', 1024 * 1024) + "\"}}]}\n\ndata: [DONE]\n\n"));

        using var response = await harness.Http.PostAsync("/v1/chat/completions", ChatBodies.Content(ChatBodies.Create(stream: true, "exec")));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("4", StreamedAnswer.Assemble(SseEvents.ParseWithSdk(body)).Text);
        Assert.Equal(2, harness.Simulator.ChatRequests.Count);
        Assert.Contains(harness.Logs.Lines, l => l.Message.Contains("Proxy:MaxSseEventBytes", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_non_streaming_answer_over_the_limit_is_refused_with_502_not_held()
    {
        await using var harness = await ProxyHarness.StartAsync(o => o.MaxResponseBodyBytes = 256 * 1024);
        harness.Simulator.Enqueue(SimulatedAnswer.RawJson("""{"id":"chatcmpl-1","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":" """ + new string('x', 1024 * 1024) + "\"},\"finish_reason\":\"stop\"}]}"));

        using var response = await harness.Http.PostAsync("/v1/chat/completions", ChatBodies.Content(ChatBodies.Create(stream: false, "exec")));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var error = AssertOpenAiError(await response.Content.ReadAsStringAsync(), "upstream_invalid_response");
        Assert.Contains("Proxy:MaxResponseBodyBytes", error.GetProperty("message").GetString());
    }

    // Row: 64 KiB of non-SSE garbage with status 200 to a streaming request (every path).
    public static TheoryData<string, string> GarbageAnswers => new()
    {
        { "passthrough, event-stream type", "sse" },
        { "passthrough, other type", "json" },
        { "stream mode with tools", "sse-tools" },
        { "re-wrap with tools", "sse-buffer" },
    };

    [Theory]
    [MemberData(nameof(GarbageAnswers))]
    public async Task Garbage_with_status_200_ends_the_clients_stream_with_an_error_event_and_done(string path, string kind)
    {
        _ = path;
        await using var harness = await ProxyHarness.StartAsync(o => o.ToolStreaming = kind == "sse-buffer" ? ToolStreamingMode.Buffer : ToolStreamingMode.Stream);
        var garbage = string.Concat(Enumerable.Repeat("<html><body>502 Bad Gateway</body></html>\n", 64 * 1024 / 42));
        var answer = kind == "json" ? SimulatedAnswer.RawJson(garbage) : SimulatedAnswer.RawSse(garbage);
        harness.Simulator.Enqueue(answer);
        // Stream mode asks again without streaming after a broken stream: that answer is garbage too.
        harness.Simulator.Enqueue(SimulatedAnswer.RawJson(garbage));

        using var response = await harness.Http.PostAsync("/v1/chat/completions", ChatBodies.Content(ChatBodies.Create(stream: true, kind.Contains("tools") || kind.Contains("buffer") ? ["exec"] : [])));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("<html>", body);
        AssertEndsWithError(body, "");
        Assert.True((await harness.Completions.NextAsync()).Failed);
    }

    // Same row, truncated: closed without [DONE].
    [Theory]
    [InlineData(false, ToolStreamingMode.Stream)]
    [InlineData(true, ToolStreamingMode.Stream)]
    [InlineData(true, ToolStreamingMode.Buffer)]
    public async Task A_stream_that_closes_without_done_still_ends_with_done(bool tools, ToolStreamingMode mode)
    {
        await using var harness = await ProxyHarness.StartAsync(mode);
        harness.Simulator.Enqueue(mode == ToolStreamingMode.Buffer ? SimulatedAnswer.RawJson("{\"id\":\"chatcmpl-1\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"ass") : SimulatedAnswer.RawSse(Chunk("Hel") + Chunk("lo")));
        harness.Simulator.Enqueue(SimulatedAnswer.RawJson("{\"id\":\"chatcmpl-1\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"ass"));

        using var response = await harness.Http.PostAsync("/v1/chat/completions", ChatBodies.Content(tools ? ChatBodies.Create(stream: true, "exec") : ChatBodies.Create(stream: true)));
        var body = await response.Content.ReadAsStringAsync();

        AssertEndsWithError(body, "");
        Assert.True((await harness.Completions.NextAsync()).Failed);
    }

    // Row: invalid UTF-8 in model, a tool name or tool-call arguments (and anywhere else).
    public static TheoryData<string, string> InvalidText => new()
    {
        { "model", """{"model":"Qwen\xFF","messages":[{"role":"user","content":"hi"}]}""" },
        { "model", """{"model":"Qwen\ud800","messages":[{"role":"user","content":"hi"}]}""" },
        { "tools[0].function.name", """{"model":"m","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"ex\xC3ec"}}]}""" },
        { "messages[1].tool_calls[0].function.arguments", """{"model":"m","messages":[{"role":"user","content":"hi"},{"role":"assistant","tool_calls":[{"id":"c","type":"function","function":{"name":"exec","arguments":"{\"a\":\"\xED\xA0\x80\"}"}}]}]}""" },
        { "messages[0].content", """{"model":"m","messages":[{"role":"user","content":"caf\xE9"}],"stream":true}""" },
        { "messages[0] (property name)", """{"model":"m","messages":[{"role":"user","\xFEcontent":"hi"}]}""" },
    };

    [Theory]
    [MemberData(nameof(InvalidText))]
    public async Task Invalid_utf8_anywhere_gets_400_naming_the_field_an_event_and_no_stack_trace(string param, string body)
    {
        await using var harness = await ProxyHarness.StartAsync();

        using var response = await harness.Http.PostAsync("/v1/chat/completions", RawJson(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = AssertOpenAiError(await response.Content.ReadAsStringAsync(), "invalid_request_error");
        Assert.Equal(param, error.GetProperty("param").GetString());
        Assert.Contains("UTF-8", error.GetProperty("message").GetString());
        await AssertRefusedAsync(harness);
    }

    [Fact]
    public async Task Invalid_text_in_a_non_streaming_answer_gets_502_not_500()
    {
        await using var harness = await ProxyHarness.StartAsync();
        harness.Simulator.Enqueue(SimulatedAnswer.RawJson("""{"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"x\ud800","tool_calls":[]},"finish_reason":"stop"}]}"""));

        using var response = await harness.Http.PostAsync("/v1/chat/completions", ChatBodies.Content(ChatBodies.Create(stream: false, "exec")));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var error = AssertOpenAiError(await response.Content.ReadAsStringAsync(), "upstream_invalid_response");
        Assert.Contains("choices[0].message.content", error.GetProperty("message").GetString());
        Assert.True((await harness.Completions.NextAsync()).Failed);
        Assert.DoesNotContain(harness.Logs.Lines, l => l.Exception is not null);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Invalid_text_in_a_streamed_chunk_never_reaches_the_client(bool tools)
    {
        await using var harness = await ProxyHarness.StartAsync();
        harness.Simulator.Enqueue(SimulatedAnswer.RawSse("data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"c\",\"function\":{\"name\":\"exec\",\"arguments\":\"{\\\"a\\\":\\\"\\udc00\\\"}\"}}]}}]}\n\ndata: [DONE]\n\n"));

        using var response = await harness.Http.PostAsync("/v1/chat/completions", ChatBodies.Content(tools ? ChatBodies.Create(stream: true, "exec") : ChatBodies.Create(stream: true)));
        var body = await response.Content.ReadAsStringAsync();

        Assert.DoesNotContain("udc00", body);
        Assert.EndsWith("data: [DONE]\n\n", body);
        if (tools)
        {
            // Nothing had reached the client: asked again without streaming.
            Assert.Equal("4", StreamedAnswer.Assemble(SseEvents.ParseWithSdk(body)).Text);
        }
        else
        {
            AssertEndsWithError(body, "UTF-8");
        }

        Assert.DoesNotContain(harness.Logs.Lines, l => l.Exception is not null);
    }

    // Row: messages a string, tools a string, a tool without function, "stream":"true" (and their kin).
    public static TheoryData<string, string> Malformed => new()
    {
        { "messages", """{"model":"m","messages":"hi"}""" },
        { "messages", """{"model":"m","messages":[]}""" },
        { "messages", """{"model":"m"}""" },
        { "messages[0]", """{"model":"m","messages":["hi"]}""" },
        { "messages[1].role", """{"model":"m","messages":[{"role":"user","content":"hi"},{"content":"x"}]}""" },
        { "messages[0].role", """{"model":"m","messages":[{"role":7,"content":"hi"}]}""" },
        { "tools", """{"model":"m","messages":[{"role":"user","content":"hi"}],"tools":"exec"}""" },
        { "tools[0].function", """{"model":"m","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function"}]}""" },
        { "tools[1]", """{"model":"m","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"a"}},"b"]}""" },
        { "tools[0].function.name", """{"model":"m","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":42}}]}""" },
        { "tools[0].type", """{"model":"m","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"retrieval","function":{"name":"a"}}]}""" },
        { "stream", """{"model":"m","messages":[{"role":"user","content":"hi"}],"stream":"true"}""" },
        { "model", """{"model":["m"],"messages":[{"role":"user","content":"hi"}]}""" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public async Task A_malformed_request_gets_400_naming_the_field_and_is_never_forwarded(string param, string body)
    {
        await using var harness = await ProxyHarness.StartAsync();

        using var response = await harness.Http.PostAsync("/v1/chat/completions", RawJson(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = AssertOpenAiError(await response.Content.ReadAsStringAsync(), "invalid_request_error");
        Assert.Equal(param, error.GetProperty("param").GetString());
        Assert.Contains(param, error.GetProperty("message").GetString());
        await AssertRefusedAsync(harness);
        var metrics = await harness.Http.GetStringAsync("/metrics");
        Assert.Contains("opsbot_proxy_chat_requests_total{path=\"BadRequest\",outcome=\"error\",stream=\"false\"} 1", metrics);
    }

    [Fact]
    public async Task A_huge_model_name_is_cut_in_the_event_and_the_log()
    {
        await using var harness = await ProxyHarness.StartAsync();
        var body = ChatBodies.Create(stream: false, "exec");
        body["model"] = new string('m', 100_000);

        using var response = await harness.Http.PostAsync("/v1/chat/completions", ChatBodies.Content(body));

        // vLLM's own answer (404, the model is not served) goes to the client whole.
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains(new string('m', 100_000), await response.Content.ReadAsStringAsync());
        var completion = await harness.Completions.NextAsync();
        Assert.Equal(CompletionEvent.MaxModelLength + 1, completion.Model!.Length);
        AssertLogLinesBounded(harness);
    }

    [Fact]
    public async Task A_request_that_only_uses_what_vllm_defaults_passes()
    {
        await using var harness = await ProxyHarness.StartAsync();

        // No model (vLLM serves its own), null stream and tools, a tool without "type" (vLLM's default is "function").
        using var response = await harness.Http.PostAsync("/v1/chat/completions",
            RawJson("""{"messages":[{"role":"user","content":"hi"}],"stream":null,"tools":[{"function":{"name":"exec"}}]}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(harness.Simulator.ChatRequests);
    }

    // Row: GET/PUT/DELETE on /v1/chat/completions.
    [Theory]
    [InlineData("GET")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    [InlineData("PATCH")]
    public async Task Other_methods_on_chat_completions_get_405_with_allow_post_and_are_never_forwarded(string method)
    {
        await using var harness = await ProxyHarness.StartAsync();

        using var response = await harness.Http.SendAsync(new HttpRequestMessage(new HttpMethod(method), "/v1/chat/completions")
        {
            Content = method == "GET" ? null : ChatBodies.Content(ChatBodies.Create(stream: false)),
        });

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal(["POST"], response.Content.Headers.Allow);
        AssertOpenAiError(await response.Content.ReadAsStringAsync(), "invalid_request_error");
        Assert.Empty(harness.Simulator.Requests);
        Assert.Equal(CompletionPath.BadRequest, (await harness.Completions.NextAsync()).Path);
    }

    // Row: over-size chunked body, bad chunking, slow body (408).
    [Fact]
    public async Task An_over_size_chunked_body_gets_an_openai_413_and_one_warning_line()
    {
        await using var harness = await ProxyHarness.StartAsync(o => o.MaxRequestBodyBytes = 100_000);

        var response = await RawHttp.PostChunkedAsync(harness.ProxyUrl, 300_000);

        Assert.Equal(413, response.Status);
        AssertOpenAiError(response.Body, "invalid_request_error");
        await AssertOneWarningWithoutStackTraceAsync(harness);
    }

    [Fact]
    public async Task Bad_chunk_framing_gets_an_openai_400_and_one_warning_line()
    {
        await using var harness = await ProxyHarness.StartAsync();

        var response = await RawHttp.SendAsync(harness.ProxyUrl, "POST /v1/chat/completions HTTP/1.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked",
            [RawHttp.Chunk("{\"model\":"), "zz\r\nnot a chunk\r\n"u8.ToArray(), RawHttp.LastChunk]);

        Assert.Equal(400, response.Status);
        AssertOpenAiError(response.Body, "invalid_request_error");
        await AssertOneWarningWithoutStackTraceAsync(harness);
        Assert.Empty(harness.Simulator.ChatRequests);
    }

    [Fact]
    public async Task A_body_that_stalls_gets_an_openai_408_and_one_warning_line()
    {
        await using var harness = await ProxyHarness.StartAsync();

        // Kestrel's minimum body rate (240 B/s after a 5 s grace period) gives up on this one.
        var response = await RawHttp.SendAsync(harness.ProxyUrl, "POST /v1/chat/completions HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 5000",
            ["{\"model\":\"m\","u8.ToArray()]);

        Assert.Equal(408, response.Status);
        AssertOpenAiError(response.Body, "invalid_request_error");
        await AssertOneWarningWithoutStackTraceAsync(harness);
    }

    // Row: --vllm-url http://user:pass@host.
    [Fact]
    public async Task Userinfo_in_the_vllm_url_never_reaches_health_the_root_errors_or_logs()
    {
        await using var harness = await ProxyHarness.StartAsync(o =>
        {
            o.VllmUrl = new UriBuilder(o.VllmUrl) { UserName = "admin", Password = "s3cr3t-pw" }.Uri.ToString().TrimEnd('/');
            o.UpstreamWait = TimeSpan.Zero;
        });
        await harness.Simulator.StopAsync();

        var health = await harness.Http.GetStringAsync("/health");
        var root = await harness.Http.GetStringAsync("/");
        using var json = await harness.Http.PostAsync("/v1/chat/completions", ChatBodies.Content(ChatBodies.Create(stream: false, "exec")));
        using var sse = await harness.Http.PostAsync("/v1/chat/completions", ChatBodies.Content(ChatBodies.Create(stream: true)));
        using var passthrough = await harness.Http.GetAsync("/v1/models");
        var answers = new[] { health, root, await json.Content.ReadAsStringAsync(), await sse.Content.ReadAsStringAsync(), await passthrough.Content.ReadAsStringAsync() };

        Assert.Contains("http://***@127.0.0.1:", health);
        Assert.Contains("***@127.0.0.1", answers[2]);
        foreach (var text in answers.Concat(harness.Logs.Lines.Select(l => l.ToString())).Concat(harness.Completions.Events.Select(e => e.Error ?? "")))
        {
            Assert.DoesNotContain("s3cr3t-pw", text);
            Assert.DoesNotContain("admin", text);
        }
    }

    // Row: streaming request with tools while vLLM hangs.
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_streaming_tools_request_while_vllm_hangs_gets_504_after_one_timeout_not_two(bool afterHeaders)
    {
        await using var harness = await ProxyHarness.StartAsync(o => o.UpstreamTimeout = TimeSpan.FromSeconds(1));
        harness.Simulator.DefaultAnswer = afterHeaders ? SimulatedAnswer.StallMidStream() : SimulatedAnswer.Stall();

        using var response = await harness.Http.PostAsync("/v1/chat/completions", ChatBodies.Content(ChatBodies.Create(stream: true, "exec")));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        AssertEndsWithError(body, "did not answer within 1 s");
        // The fallback would have asked vLLM a second time and waited as long again.
        Assert.Single(harness.Simulator.ChatRequests);
        Assert.Equal(CompletionPath.UpstreamUnavailable, (await harness.Completions.NextAsync()).Path);
    }

    private static async Task AssertRefusedAsync(ProxyHarness harness)
    {
        var completion = await harness.Completions.NextAsync();
        Assert.Equal(CompletionPath.BadRequest, completion.Path);
        Assert.True(completion.Failed);
        Assert.Empty(harness.Simulator.ChatRequests);
        Assert.DoesNotContain(harness.Logs.Lines, l => l.Level >= LogLevel.Error || l.Exception is not null);
    }

    private static async Task AssertOneWarningWithoutStackTraceAsync(ProxyHarness harness)
    {
        await WaitUntilAsync(() => harness.Logs.Lines.Any(l => l.Level == LogLevel.Warning));
        var warning = Assert.Single(harness.Logs.Lines, l => l.Level >= LogLevel.Warning);
        Assert.Null(warning.Exception);
        Assert.Contains("could not be read", warning.Message);
        AssertLogLinesBounded(harness);
    }

    private static void AssertLogLinesBounded(ProxyHarness harness) =>
        Assert.All(harness.Logs.Lines, l => Assert.True(l.ToString().Length <= MaxLogLine, $"log line of {l.ToString().Length} chars"));

    private static JsonElement AssertOpenAiError(string body, string type)
    {
        var error = JsonDocument.Parse(body).RootElement.GetProperty("error");
        Assert.Equal(type, error.GetProperty("type").GetString());
        Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
        Assert.Equal(JsonValueKind.Number, error.GetProperty("code").ValueKind);
        Assert.True(error.TryGetProperty("param", out _));
        return error.Clone();
    }

    /// <summary>The stream is well-formed SSE whose last event is <c>[DONE]</c> right after an OpenAI error event.</summary>
    private static void AssertEndsWithError(string body, string reason)
    {
        var events = SseEvents.Data(body);
        Assert.True(events.Count >= 2, body.Length > 500 ? body[..500] : body);
        Assert.Equal("[DONE]", events[^1]);
        Assert.All(events.SkipLast(1), e => JsonDocument.Parse(e));
        var message = SseEvents.Json(events[^2]).GetProperty("error").GetProperty("message").GetString();
        Assert.Contains(reason, message);
        Assert.EndsWith("\n\ndata: [DONE]\n\n", body);
    }

    private static string ErrorEvent(string body) => "data: " + SseEvents.Data(body)[^2] + "\n\n";

    private static string Chunk(string content) =>
        "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + content + "\"},\"finish_reason\":null}]}\n\n";

    /// <summary>JSON text where <c>\xNN</c> stands for that raw byte (to send invalid UTF-8); everything else as UTF-8.</summary>
    private static ByteArrayContent RawJson(string text)
    {
        var bytes = new List<byte>();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\' && i + 3 < text.Length && text[i + 1] == 'x')
            {
                bytes.Add(Convert.ToByte(text.Substring(i + 2, 2), 16));
                i += 3;
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(text[i].ToString()));
            }
        }

        var content = new ByteArrayContent([.. bytes]);
        content.Headers.ContentType = new("application/json");
        return content;
    }

    private static JsonObject Padded(int bytes)
    {
        var body = ChatBodies.Create(stream: true, "exec");
        body["messages"]!.AsArray().Insert(0, new JsonObject { ["role"] = "system", ["content"] = new string('x', bytes) });
        return body;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met within 20 s");
            await Task.Delay(10);
        }
    }
}
