using OpsBot.OpenClaw.E2E.Infrastructure;
using OpsBot.VllmSimulator;
using Xunit.Abstractions;

namespace OpsBot.OpenClaw.E2E;

/// <summary>
/// The failure the seed fixes: OpenClaw always streams, and a plain JSON answer to its streaming request is
/// silently dropped ("No reply from agent.", exit code 0). Our proxy asks vLLM without streaming when tools are
/// present and re-wraps the JSON answer as SSE, so the same vLLM body reaches the user.
/// </summary>
[Collection(OpenClawCollection.Name)]
public sealed class StreamingMismatchTests(OpenClawFixture fixture, ITestOutputHelper output)
{
    // vLLM v0.15's non-streaming body for the answer "4".
    private const string PlainJsonAnswer4 = """
        {"id":"chatcmpl-5e0c1a2b3c4d4e5f8a9b0c1d2e3f4a5b","object":"chat.completion","created":1770026400,
         "model":"Qwen/Qwen3-Coder-Next-FP8",
         "choices":[{"index":0,"message":{"role":"assistant","content":"4","refusal":null,"annotations":null,
           "audio":null,"function_call":null,"tool_calls":[],"reasoning":null,"reasoning_content":null},
           "logprobs":null,"finish_reason":"stop","stop_reason":null,"token_ids":null}],
         "service_tier":null,"system_fingerprint":null,
         "usage":{"prompt_tokens":812,"total_tokens":813,"completion_tokens":1,"prompt_tokens_details":null},
         "prompt_logprobs":null,"prompt_token_ids":null,"kv_transfer_params":null}
        """;

    [OpenClawTheory]
    [MemberData(nameof(OpenClawEnvironment.VersionData), MemberType = typeof(OpenClawEnvironment))]
    public async Task Plain_json_answer_to_a_streaming_request_reaches_the_user_as_No_reply_with_exit_code_0(string version)
    {
        await using var scenario = await OpenClawScenario.StraightToVllmAsync(fixture, version, output);
        scenario.Simulator.Enqueue(SimulatedAnswer.RawJson(PlainJsonAnswer4));

        var run = await scenario.Agent.RunAsync("What is 2+2?", json: false, CancellationToken.None);

        Assert.True(Assert.Single(scenario.Simulator.ChatRequests).Stream, "OpenClaw always asks for a stream");
        Assert.Equal(0, run.ExitCode);
        Assert.Equal("No reply from agent.", run.Reply);
    }

    [OpenClawTheory]
    [MemberData(nameof(OpenClawEnvironment.VersionData), MemberType = typeof(OpenClawEnvironment))]
    public async Task Same_plain_json_answer_through_the_proxy_with_tools_present_prints_4(string version)
    {
        await using var scenario = await OpenClawScenario.ThroughProxyAsync(fixture, version, output);
        scenario.Simulator.Enqueue(SimulatedAnswer.RawJson(PlainJsonAnswer4));

        var run = await scenario.Agent.RunAsync("What is 2+2?", json: false, CancellationToken.None);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("4", run.Reply);
        var upstream = ChatRequestBody.From(Assert.Single(scenario.Simulator.ChatRequests).Json);
        Assert.NotEmpty(upstream.ToolNames);
        Assert.False(upstream.Stream, "with tools present the proxy asks vLLM for one JSON answer");
        var completion = Assert.Single(await scenario.Proxy!.WaitForCompletionEventsAsync(1, CancellationToken.None));
        Assert.True(completion.Streamed, completion.Line);
    }
}
