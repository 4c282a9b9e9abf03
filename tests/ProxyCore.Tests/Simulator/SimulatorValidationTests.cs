using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using OpsBot.VllmSimulator;
using OpsBot.ProxyCore.Proxy.Chat;

namespace OpsBot.ProxyCore.Tests.Simulator;

public sealed class SimulatorValidationTests
{
    public static TheoryData<string, int, string> RejectedRequests => new()
    {
        // The fixture was generated from exactly this body, so the pydantic message must match verbatim.
        {
            """{"model":"Qwen/Qwen3-Coder-Next-FP8","messages":[{"role":"user","content":"hi"}],"stream":false,"stream_options":{"include_usage":true}}""",
            400, "error_400_validation.json"
        },
        {
            """{"model":"Qwen/Qwen3-Coder-Next-FP8","messages":[{"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"read_file","arguments":"{\"path\": \"a"}}]},{"role":"tool","tool_call_id":"c1","content":"x"}]}""",
            400, "error_400_invalid_history_tool_arguments.json"
        },
        { """{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}""", 404, "error_404_model_not_found.json" },
    };

    [Theory]
    [MemberData(nameof(RejectedRequests))]
    public async Task Invalid_requests_get_the_vllm_error_body_and_status(string body, int status, string fixture)
    {
        await using var sim = await VllmSimulatorServer.StartAsync();
        sim.Enqueue(SimulatedAnswer.Text("must not be consumed"));
        using var http = SimulatorClient.Create(sim);

        var (response, responseBody) = await SimulatorClient.PostChatAsync(http, body);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(Normalize(VllmFixtures.Read(fixture)), Normalize(responseBody));
        Assert.Equal(1, sim.PendingAnswers); // rejected before generation: the scripted answer is still queued
    }

    [Theory]
    [InlineData("not json at all", "application/json", "Bad Request")]
    [InlineData("""{"messages":[{"role":"user","content":"hi"}]}""", "text/plain", "Bad Request")]
    [InlineData("""{"messages":[{"role":"assistant","tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"[1, 2]"}}]}]}""", "application/json", "BadRequestError")]
    [InlineData("""{"messages":[{"role":"user","content":"hi"}],"max_tokens":300000}""", "application/json", "BadRequestError")]
    public async Task Malformed_requests_get_400_in_the_error_object_shape(string body, string contentType, string errorType)
    {
        await using var sim = await VllmSimulatorServer.StartAsync();
        using var http = SimulatorClient.Create(sim);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue(contentType)),
        };

        using var response = await http.SendAsync(request);
        var responseBody = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(JsonShape.Of(VllmFixtures.Read("error_400_validation.json")).Replace("param:s", "param:null"), JsonShape.Of(responseBody).Replace("param:s", "param:null"));
        var error = JsonDocument.Parse(responseBody).RootElement.GetProperty("error");
        Assert.Equal(errorType, error.GetProperty("type").GetString());
        Assert.Equal(400, error.GetProperty("code").GetInt32());
    }

    [Theory]
    [InlineData("""{"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"The answer"}],"continue_final_message":true,"add_generation_prompt":true}""", "Bad Request", "Cannot set both `continue_final_message` and `add_generation_prompt` to True.")]
    [InlineData("""{"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"The answer"}],"continue_final_message":true}""", "BadRequestError", "continue_final_message and add_generation_prompt are not compatible.")]
    public async Task Continuing_the_final_message_needs_add_generation_prompt_explicitly_false(string body, string errorType, string message)
    {
        await using var sim = await VllmSimulatorServer.StartAsync();
        sim.Enqueue(SimulatedAnswer.Text("must not be consumed"));
        using var http = SimulatorClient.Create(sim);

        var (response, responseBody) = await SimulatorClient.PostChatAsync(http, body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonDocument.Parse(responseBody).RootElement.GetProperty("error");
        Assert.Equal(errorType, error.GetProperty("type").GetString());
        Assert.Contains(message, error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, sim.PendingAnswers);
    }

    [Fact]
    public async Task Continuing_the_final_message_with_add_generation_prompt_false_is_served()
    {
        await using var sim = await VllmSimulatorServer.StartAsync();
        sim.Enqueue(SimulatedAnswer.Text(" is 4."));
        using var http = SimulatorClient.Create(sim);

        var (response, responseBody) = await SimulatorClient.PostChatAsync(http,
            """{"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"The answer"}],"continue_final_message":true,"add_generation_prompt":false}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var content = JsonDocument.Parse(responseBody).RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString();
        Assert.Equal(" is 4.", content); // only the new tokens, as vLLM returns them
    }

    [Fact]
    public async Task A_continued_message_is_answered_with_only_what_the_model_adds_to_it()
    {
        // The same scripted answer a fresh request would get in full (a backend asked to finish another's broken stream).
        await using var sim = await VllmSimulatorServer.StartAsync();
        sim.DefaultAnswer = SimulatedAnswer.Text("The answer is 4.");
        using var http = SimulatorClient.Create(sim);

        var (_, continuedBody) = await SimulatorClient.PostChatAsync(http,
            """{"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"The answer"}],"continue_final_message":true,"add_generation_prompt":false}""");
        var (_, freshBody) = await SimulatorClient.PostChatAsync(http, """{"messages":[{"role":"user","content":"hi"}]}""");

        string Content(string body) => JsonDocument.Parse(body).RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!;
        Assert.Equal(" is 4.", Content(continuedBody));
        Assert.Equal("The answer is 4.", Content(freshBody));
    }

    [Fact]
    public async Task Api_key_guards_only_v1_routes_with_the_flat_unauthorized_body()
    {
        await using var sim = await VllmSimulatorServer.StartAsync(new SimulatorOptions { ApiKey = "sim-key" });
        using var http = SimulatorClient.Create(sim);

        var (missing, missingBody) = await SimulatorClient.PostChatAsync(http, SimulatorClient.ChatBody(stream: false));
        using var wrongRequest = SimulatorClient.ChatRequest(SimulatorClient.ChatBody(stream: false));
        wrongRequest.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "other");
        using var wrong = await http.SendAsync(wrongRequest);
        using var rightRequest = SimulatorClient.ChatRequest(SimulatorClient.ChatBody(stream: false));
        rightRequest.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "sim-key");
        using var right = await http.SendAsync(rightRequest);
        using var models = await http.GetAsync("/v1/models");
        using var health = await http.GetAsync("/health");

        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Equal(Normalize(VllmFixtures.Read("error_401_unauthorized.json")), Normalize(missingBody));
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, models.StatusCode);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Theory]
    [InlineData("openclaw-2026.9.6-mode-a-sse-what-is-2+2.json")]
    [InlineData("openclaw-2026.2.12-mode-c-tool-req2-with-tool-result.json")]
    public async Task Captured_openclaw_requests_pass_validation_and_stream_with_usage(string capture)
    {
        await using var sim = await VllmSimulatorServer.StartAsync();
        sim.Enqueue(SimulatedAnswer.QwenXmlInContent("Let me list it.\n\n", new SimulatedToolCall("exec", """{"command":"ls /tmp"}""")));
        using var http = SimulatorClient.Create(sim);

        var (response, body) = await SimulatorClient.PostChatAsync(http, await File.ReadAllTextAsync(CapturePath(capture)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var events = SseEvents.Parse(body);
        Assert.Equal("[DONE]", events[^1]);
        Assert.True(JsonDocument.Parse(events[^2]).RootElement.TryGetProperty("usage", out _));
        var streamed = string.Concat(events.Skip(1).SkipLast(3).Select(e =>
            JsonDocument.Parse(e).RootElement.GetProperty("choices")[0].GetProperty("delta").GetProperty("content").GetString()));
        Assert.Equal("Let me list it.\n\n<tool_call>\n<function=exec>\n<parameter=command>\nls /tmp\n</parameter>\n</function>\n</tool_call>", streamed);
    }

    private static string CapturePath(string name, [CallerFilePath] string source = "") =>
        Path.Combine(Path.GetDirectoryName(source)!, "Captures", name);

    private static string Normalize(string json) => JsonSerializer.Serialize(JsonDocument.Parse(json).RootElement);
}
