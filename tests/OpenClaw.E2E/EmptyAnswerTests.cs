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
    public async Task Zero_token_answer_raises_the_empty_flag_and_the_user_sees_No_reply(string version)
    {
        await using var scenario = await OpenClawScenario.ThroughProxyAsync(fixture, version, output);
        scenario.Simulator.Enqueue(SimulatedAnswer.Empty(completionTokens: 0));

        var run = await scenario.Agent.RunAsync("What is 2+2?", json: false, CancellationToken.None);

        var completion = Assert.Single(await scenario.Proxy!.WaitForCompletionEventsAsync(1, CancellationToken.None));
        Assert.True(completion.EmptyAnswer, completion.Line);
        Assert.Equal(0, completion.CompletionTokens);
        Assert.Null(completion.Error);
        // What a user sees for it: the same silent "No reply" as the seed's bug, exit code 0.
        Assert.Equal(0, run.ExitCode);
        Assert.Equal("No reply from agent.", run.Reply);
    }
}
