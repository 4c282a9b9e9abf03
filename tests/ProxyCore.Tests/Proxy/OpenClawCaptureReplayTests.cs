using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using OpsBot.ProxyCore.Proxy;
using OpsBot.ProxyCore.Tests.Infrastructure;
using OpsBot.VllmSimulator;

namespace OpsBot.ProxyCore.Tests.Proxy;

/// <summary>
/// The real request bodies OpenClaw 2026.2.12 and 2026.9.6 sent, replayed byte for byte through the
/// proxy; the SSE that comes back must parse (with the OpenAI SDK) into what the simulator was scripted to say.
/// </summary>
public sealed class OpenClawCaptureReplayTests
{
    public static TheoryData<ToolStreamingMode, string> Captures()
    {
        var data = new TheoryData<ToolStreamingMode, string>();
        foreach (var mode in Enum.GetValues<ToolStreamingMode>())
        {
            foreach (var capture in Directory.GetFiles(SharedReference.OpenClaw, "openclaw-*.json").Select(Path.GetFileName).Order())
            {
                data.Add(mode, capture!);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Captures))]
    public async Task Capture_answered_with_text_streams_that_text(ToolStreamingMode mode, string capture)
    {
        await using var harness = await ProxyHarness.StartAsync(mode);
        harness.Simulator.Enqueue(SimulatedAnswer.Text("4"));

        var answer = await ReplayAsync(harness, capture);

        Assert.Equal("4", answer.Text);
        Assert.Empty(answer.ToolCalls);
        Assert.Equal(OpenAI.Chat.ChatFinishReason.Stop, answer.FinishReason);
        Assert.NotNull(answer.Usage);
        var upstream = Assert.Single(harness.Simulator.ChatRequests);
        Assert.Equal(mode == ToolStreamingMode.Stream, upstream.Stream);
        var original = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(SharedReference.OpenClaw, capture))).RootElement;
        Assert.True(JsonElement.DeepEquals(original.GetProperty("tools"), upstream.Json!.Value.GetProperty("tools")));
        Assert.Equal(original.GetProperty("messages").GetArrayLength(), upstream.Json!.Value.GetProperty("messages").GetArrayLength());
    }

    [Theory]
    [MemberData(nameof(Captures))]
    public async Task Capture_answered_with_qwen_xml_exec_streams_one_exec_call(ToolStreamingMode mode, string capture)
    {
        await using var harness = await ProxyHarness.StartAsync(mode);
        harness.Simulator.Enqueue(SimulatedAnswer.Text("<tool_call>\n<function=exec>\n<parameter=command>\nls /tmp\n</parameter>\n</function>\n</tool_call>"));

        var answer = await ReplayAsync(harness, capture);

        var call = Assert.Single(answer.ToolCalls);
        Assert.Equal("exec", call.Name);
        Assert.Equal("ls /tmp", JsonDocument.Parse(call.Arguments).RootElement.GetProperty("command").GetString());
        Assert.Equal(OpenAI.Chat.ChatFinishReason.ToolCalls, answer.FinishReason);
    }

    [Theory]
    [MemberData(nameof(Captures))]
    public async Task Capture_answered_with_native_tool_call_streams_it(ToolStreamingMode mode, string capture)
    {
        await using var harness = await ProxyHarness.StartAsync(mode);
        harness.Simulator.Enqueue(SimulatedAnswer.ToolCalls("Listing.", new SimulatedToolCall("exec", """{"command": "ls /tmp"}""")));

        var answer = await ReplayAsync(harness, capture);

        Assert.Equal("Listing.", answer.Text);
        Assert.Equal("exec", Assert.Single(answer.ToolCalls).Name);
    }

    private static async Task<StreamedAnswer> ReplayAsync(ProxyHarness harness, string capture)
    {
        var body = await File.ReadAllBytesAsync(Path.Combine(SharedReference.OpenClaw, capture));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "vllm-local");
        request.Headers.TryAddWithoutValidation("User-Agent", "OpenAI/JS 6.10.0");
        using var response = await harness.Http.SendAsync(request);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        return StreamedAnswer.Assemble(SseEvents.ParseWithSdk(await response.Content.ReadAsStringAsync()));
    }
}
