using OpsBot.OpenClaw.E2E.Infrastructure;
using OpsBot.VllmSimulator;
using Xunit.Abstractions;

namespace OpsBot.OpenClaw.E2E;

/// <summary>The seed's first acceptance command, `openclaw agent --local --agent main -m 'What is 2+2?'`, through our proxy.</summary>
[Collection(OpenClawCollection.Name)]
public sealed class TwoPlusTwoTests(OpenClawFixture fixture, ITestOutputHelper output)
{
    [OpenClawTheory]
    [MemberData(nameof(OpenClawEnvironment.VersionData), MemberType = typeof(OpenClawEnvironment))]
    public async Task Answer_4_from_vllm_is_printed_by_openclaw_through_the_proxy(string version)
    {
        await using var scenario = await OpenClawScenario.ThroughProxyAsync(fixture, version, output);
        scenario.Simulator.Enqueue(SimulatedAnswer.Text("4"));

        var run = await scenario.Agent.RunAsync("What is 2+2?", json: false, CancellationToken.None);

        Assert.False(run.TimedOut, run.ToString());
        Assert.Equal(0, run.ExitCode);
        Assert.Equal("4", run.Reply);
        var request = Assert.Single(scenario.Simulator.ChatRequests);
        var body = ChatRequestBody.From(request.Json);
        Assert.Contains("exec", body.ToolNames);
        Assert.Contains("What is 2+2?", ChatRequestBody.TextOf(body.MessagesWithRole("user")[0]));
        var completion = Assert.Single(await scenario.Proxy!.WaitForCompletionEventsAsync(1, CancellationToken.None));
        Assert.False(completion.EmptyAnswer, completion.Line);
        Assert.True(completion.HasTools, completion.Line);
    }

    [OpenClawTheory]
    [MemberData(nameof(OpenClawEnvironment.VersionData), MemberType = typeof(OpenClawEnvironment))]
    public async Task Json_output_carries_the_answer_and_the_token_usage_vllm_reported(string version)
    {
        await using var scenario = await OpenClawScenario.ThroughProxyAsync(fixture, version, output);
        // An unusual count, so seeing it in OpenClaw's usage proves it came from vLLM through the proxy.
        scenario.Simulator.Enqueue(SimulatedAnswer.Text("4", completionTokens: 17));

        var run = await scenario.Agent.RunAsync("What is 2+2?", json: true, CancellationToken.None);

        Assert.Equal(0, run.ExitCode);
        var reply = run.Json();
        Assert.Equal(["4"], reply.PayloadTexts);
        Assert.Equal(17, reply.LastCallOutputTokens);
        Assert.True(reply.LastCallTotalTokens > 17, $"total tokens {reply.LastCallTotalTokens} should include the prompt");
    }
}
