using OpsBot.OpenClaw.E2E.Infrastructure;
using OpsBot.VllmSimulator;
using Xunit.Abstractions;

namespace OpsBot.OpenClaw.E2E;

/// <summary>
/// vLLM sometimes succeeds with nothing: no content, no tool calls (an immediate end of sequence), and OpenClaw shows
/// "No reply from agent." (2026.2.12, exit 0) or "Agent couldn't generate a response" (2026.9.x). The proxy asks
/// again before anything reaches OpenClaw (Proxy:EmptyAnswerRetries, default 1) and explains an answer that stays
/// empty; its completion event still flags it, so the operator hears about it.
/// </summary>
[Collection(OpenClawCollection.Name)]
public sealed class EmptyAnswerTests(OpenClawFixture fixture, ITestOutputHelper output)
{
    private const string Explanation =
        "⚠️ The model returned an empty answer twice (no text, no tool calls). This is a known vLLM/Qwen3 failure; try again, and an operator can check `/status`.";

    [OpenClawTheory]
    [MemberData(nameof(StreamingMismatchTests.VersionsAndModes), MemberType = typeof(StreamingMismatchTests))]
    public async Task An_empty_answer_is_asked_again_and_the_user_sees_4(string version, string toolStreaming)
    {
        await using var scenario = await OpenClawScenario.ThroughProxyAsync(fixture, version, output, "--Proxy:ToolStreaming", toolStreaming);
        // vLLM's own shape of it: content "", completion_tokens 1 (the EOS, counted, not rendered).
        scenario.Simulator.Enqueue(SimulatedAnswer.Empty(completionTokens: 1), SimulatedAnswer.Text("4"));

        var run = await scenario.Agent.RunAsync("What is 2+2?", json: false, CancellationToken.None);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("4", run.Reply);
        Assert.Equal(2, scenario.Simulator.ChatRequests.Count);
        var completion = Assert.Single(await scenario.Proxy!.WaitForCompletionEventsAsync(1, CancellationToken.None));
        Assert.Equal(1, completion.EmptyRetries);
        Assert.False(completion.EmptyAnswer, completion.Line);
        Assert.Null(completion.Error);
    }

    [OpenClawTheory]
    [MemberData(nameof(OpenClawEnvironment.VersionData), MemberType = typeof(OpenClawEnvironment))]
    public async Task An_answer_that_stays_empty_is_explained_to_the_user_and_still_flagged(string version)
    {
        await using var scenario = await OpenClawScenario.ThroughProxyAsync(fixture, version, output);
        // Every request gets it.
        scenario.Simulator.DefaultAnswer = SimulatedAnswer.Empty(completionTokens: 0);

        var run = await scenario.Agent.RunAsync("What is 2+2?", json: false, CancellationToken.None);

        // Not "No reply from agent." (2026.2.12) nor "Agent couldn't generate a response" (2026.9.x): the answer is
        // visible, so 2026.9.x does not resubmit the turn either.
        Assert.Equal(0, run.ExitCode);
        Assert.Equal(Explanation, run.Reply);
        Assert.Equal(2, scenario.Simulator.ChatRequests.Count);
        var completion = Assert.Single(await scenario.Proxy!.WaitForCompletionEventsAsync(1, CancellationToken.None));
        Assert.True(completion.EmptyAnswer, completion.Line);
        Assert.Equal(1, completion.EmptyRetries);
        Assert.Equal(0, completion.CompletionTokens);
        Assert.Null(completion.Error);
    }

    /// <summary>vLLM v0.15's streaming tool parser fails mid-answer (#34322) after text went out: the proxy continues it.</summary>
    [OpenClawTheory]
    [MemberData(nameof(OpenClawEnvironment.VersionData), MemberType = typeof(OpenClawEnvironment))]
    public async Task A_stream_that_breaks_after_text_is_continued_and_the_user_sees_the_whole_answer_once(string version)
    {
        await using var scenario = await OpenClawScenario.ThroughProxyAsync(fixture, version, output);
        scenario.Simulator.Enqueue(SimulatedAnswer.MidStreamError("The answer is"), SimulatedAnswer.Text(" 4."));

        var run = await scenario.Agent.RunAsync("What is 2+2?", json: false, CancellationToken.None);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("The answer is 4.", run.Reply);
        Assert.DoesNotContain("error", run.Stdout, StringComparison.OrdinalIgnoreCase);
        var requests = scenario.Simulator.ChatRequests;
        Assert.Equal(2, requests.Count);
        Assert.Equal([true, false], requests.Select(r => r.Stream));
        var completion = Assert.Single(await scenario.Proxy!.WaitForCompletionEventsAsync(1, CancellationToken.None));
        Assert.True(completion.Continued, completion.Line);
        Assert.Null(completion.Error);
    }
}
