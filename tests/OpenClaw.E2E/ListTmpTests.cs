using System.Text.Json;
using OpsBot.OpenClaw.E2E.Infrastructure;
using OpsBot.VllmSimulator;
using Xunit.Abstractions;

namespace OpsBot.OpenClaw.E2E;

/// <summary>
/// The seed's second acceptance command, `-m 'List the files in /tmp'`: Qwen3-Coder-Next leaves its tool call as
/// XML text in <c>content</c> (the qwen3_coder parser missed it), the proxy turns it into a real tool call, and
/// OpenClaw runs it for real in its private /tmp and sends the result back.
/// </summary>
[Collection(OpenClawCollection.Name)]
public sealed class ListTmpTests(OpenClawFixture fixture, ITestOutputHelper output)
{
    private const string ExecLsTmpAsQwenXml =
        "<tool_call>\n<function=exec>\n<parameter=command>\nls /tmp\n</parameter>\n</function>\n</tool_call>";

    [OpenClawTheory]
    [MemberData(nameof(OpenClawEnvironment.VersionData), MemberType = typeof(OpenClawEnvironment))]
    public Task Tool_call_left_in_content_is_executed_by_openclaw_and_its_result_reaches_vllm(string version) =>
        ListTmpAsync(version, SimulatedAnswer.Text(ExecLsTmpAsQwenXml));

    [OpenClawTheory]
    [MemberData(nameof(OpenClawEnvironment.VersionData), MemberType = typeof(OpenClawEnvironment))]
    public Task Native_tool_call_is_executed_by_openclaw_and_its_result_reaches_vllm(string version) =>
        ListTmpAsync(version, SimulatedAnswer.ToolCalls(null, new SimulatedToolCall("exec", """{"command": "ls /tmp"}""")));

    private async Task ListTmpAsync(string version, SimulatedAnswer toolCallAnswer)
    {
        await using var scenario = await OpenClawScenario.ThroughProxyAsync(fixture, version, output);
        var planted = $"planted-{Guid.NewGuid():N}.txt";
        scenario.Agent.PlantTmpFile(planted);
        scenario.Simulator.Enqueue(toolCallAnswer);
        scenario.Simulator.Enqueue(SimulatedAnswer.Text("Your /tmp holds the planted file and OpenClaw's own folders."));

        var run = await scenario.Agent.RunAsync("List the files in /tmp", json: false, CancellationToken.None);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Your /tmp holds the planted file and OpenClaw's own folders.", run.Reply);
        Assert.Equal(2, scenario.Simulator.ChatRequests.Count);

        // The second request is OpenClaw reporting back: its assistant turn holds the call the proxy handed over,
        // and the tool turn holds what `ls /tmp` really printed inside OpenClaw's sandbox.
        var followUp = ChatRequestBody.From(scenario.Simulator.ChatRequests[1].Json);
        var assistant = Assert.Single(followUp.MessagesWithRole("assistant"));
        var call = Assert.Single(assistant.GetProperty("tool_calls").EnumerateArray().ToList());
        Assert.Equal("exec", call.GetProperty("function").GetProperty("name").GetString());
        using (var arguments = JsonDocument.Parse(call.GetProperty("function").GetProperty("arguments").GetString()!))
        {
            Assert.Equal("ls /tmp", arguments.RootElement.GetProperty("command").GetString());
        }

        var toolResult = Assert.Single(followUp.MessagesWithRole("tool"));
        Assert.Equal(call.GetProperty("id").GetString(), toolResult.GetProperty("tool_call_id").GetString());
        Assert.Contains(planted, ChatRequestBody.TextOf(toolResult));

        var events = await scenario.Proxy!.WaitForCompletionEventsAsync(2, CancellationToken.None);
        Assert.Equal(1, events[0].ToolCalls);
        Assert.Equal(0, events[1].ToolCalls);
    }
}
