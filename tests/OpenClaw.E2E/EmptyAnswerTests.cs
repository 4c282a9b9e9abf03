using OpsBot.OpenClaw.E2E.Infrastructure;
using OpsBot.VllmSimulator;
using Xunit.Abstractions;

namespace OpsBot.OpenClaw.E2E;

/// <summary>
/// vLLM sometimes succeeds with nothing: 0 completion tokens, no content, no tool calls. The proxy cannot invent
/// an answer, but it must flag the completion as empty so the operator (alerts, Discord) hears about it.
/// </summary>
[Collection(OpenClawCollection.Name)]
public sealed class EmptyAnswerTests(OpenClawFixture fixture, ITestOutputHelper output)
{
    [OpenClawTheory]
    [MemberData(nameof(OpenClawEnvironment.VersionData), MemberType = typeof(OpenClawEnvironment))]
    public async Task Zero_token_answer_raises_the_empty_flag_on_the_proxy_completion_event(string version)
    {
        await using var scenario = await OpenClawScenario.ThroughProxyAsync(fixture, version, output);
        // Every request gets it (2026.9.x resubmits a turn that produced nothing visible).
        scenario.Simulator.DefaultAnswer = SimulatedAnswer.Empty(completionTokens: 0);

        var run = await scenario.Agent.RunAsync("What is 2+2?", json: false, CancellationToken.None);

        var requests = scenario.Simulator.ChatRequests.Count;
        var events = await scenario.Proxy!.WaitForCompletionEventsAsync(requests, CancellationToken.None);
        Assert.Equal(requests, events.Count);
        Assert.All(events, e =>
        {
            Assert.True(e.EmptyAnswer, e.Line);
            Assert.Equal(0, e.CompletionTokens);
            Assert.Null(e.Error);
        });

        // What a user sees for it.
        if (scenario.Agent.Release.IsSeptember2026OrLater)
        {
            // 2026.9.x asks once more for a "visible answer", then says so and fails the command.
            Assert.Equal(2, requests);
            Assert.Equal(1, run.ExitCode);
            Assert.Equal("⚠️ Agent couldn't generate a response. Please try again.", run.Reply);
        }
        else
        {
            // 2026.2.12: the seed's silent symptom, exit code 0; only the proxy's flag tells anyone.
            Assert.Equal(1, requests);
            Assert.Equal(0, run.ExitCode);
            Assert.Equal("No reply from agent.", run.Reply);
        }
    }
}
