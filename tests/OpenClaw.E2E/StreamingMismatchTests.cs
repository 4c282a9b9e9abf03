using OpsBot.OpenClaw.E2E.Infrastructure;
using OpsBot.VllmSimulator;
using Xunit.Abstractions;

namespace OpsBot.OpenClaw.E2E;

/// <summary>
/// The failure the seed fixes: OpenClaw always streams, and a plain JSON answer to its streaming request is
/// silently dropped by 2026.2.12 ("No reply from agent.", exit code 0; 2026.9.x fails loudly after retries).
/// Our proxy answers a streaming request with tools as SSE in both its modes, so the answer reaches the user.
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
    public async Task Plain_json_answer_to_a_streaming_request_never_reaches_the_user(string version)
    {
        await using var scenario = await OpenClawScenario.StraightToVllmAsync(fixture, version, output);
        // Every request gets it, as from a misbehaving server: 2026.9.x retries before giving up.
        scenario.Simulator.DefaultAnswer = SimulatedAnswer.RawJson(PlainJsonAnswer4);

        var run = await scenario.Agent.RunAsync("What is 2+2?", json: false, CancellationToken.None);

        Assert.All(scenario.Simulator.ChatRequests, r => Assert.True(r.Stream, "OpenClaw always asks for a stream"));
        Assert.DoesNotContain("4", run.Reply);
        if (scenario.Agent.Release.IsSeptember2026OrLater)
        {
            // 2026.9.x logs "malformed server-sent event JSON", resubmits 3 times, then admits failure.
            Assert.Equal(4, scenario.Simulator.ChatRequests.Count);
            Assert.Contains("malformed server-sent event JSON", run.Stderr);
            Assert.Equal(1, run.ExitCode);
            Assert.Equal($"⚠️ Agent run failed (model: vllm/{OpenClawAgent.ModelId}).", run.Reply);
        }
        else
        {
            // The seed's symptom, verbatim: the answer is silently dropped and the command "succeeds".
            Assert.Single(scenario.Simulator.ChatRequests);
            Assert.Equal(0, run.ExitCode);
            Assert.Equal("No reply from agent.", run.Reply);
        }
    }

    /// <summary>
    /// Both ways the proxy answers a streaming request with tools: <c>buffer</c> (v4: one JSON answer from vLLM,
    /// re-wrapped as SSE: the very body that gave "No reply" above now prints 4) and <c>stream</c> (the default:
    /// vLLM streams, text is forwarded as it arrives).
    /// </summary>
    [OpenClawTheory]
    [MemberData(nameof(VersionsAndModes))]
    public async Task Through_the_proxy_with_tools_present_the_user_gets_4(string version, string toolStreaming)
    {
        var buffer = toolStreaming == "buffer";
        await using var scenario = await OpenClawScenario.ThroughProxyAsync(fixture, version, output, "--Proxy:ToolStreaming", toolStreaming);
        scenario.Simulator.Enqueue(buffer ? SimulatedAnswer.RawJson(PlainJsonAnswer4) : SimulatedAnswer.Text("4"));

        var run = await scenario.Agent.RunAsync("What is 2+2?", json: false, CancellationToken.None);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("4", run.Reply);
        var upstream = ChatRequestBody.From(Assert.Single(scenario.Simulator.ChatRequests).Json);
        Assert.NotEmpty(upstream.ToolNames);
        Assert.Equal(!buffer, upstream.Stream);
        var completion = Assert.Single(await scenario.Proxy!.WaitForCompletionEventsAsync(1, CancellationToken.None));
        Assert.True(completion.Streamed, completion.Line);
        Assert.Equal(buffer ? "Rewrapped" : "Streamed", completion.Path);
    }

    public static TheoryData<string, string> VersionsAndModes()
    {
        var data = new TheoryData<string, string>();
        foreach (var version in OpenClawEnvironment.Versions)
        {
            data.Add(version, "buffer");
            data.Add(version, "stream");
        }

        return data;
    }
}
