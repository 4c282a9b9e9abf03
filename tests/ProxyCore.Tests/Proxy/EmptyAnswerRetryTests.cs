using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using OpsBot.ProxyCore.Proxy;
using OpsBot.ProxyCore.Tests.Infrastructure;
using OpsBot.VllmSimulator;

namespace OpsBot.ProxyCore.Tests.Proxy;

/// <summary>
/// vLLM sometimes succeeds with nothing (no content, no tool calls; an immediate end of sequence) and OpenClaw shows "No reply from agent.":
/// the proxy asks again before anything reaches the client, and explains an answer that stays empty.
/// </summary>
public sealed class EmptyAnswerRetryTests
{
    /// <summary>Tool streaming mode and the client's stream flag: both tool-streaming modes and a JSON client.</summary>
    public static TheoryData<ToolStreamingMode, bool> Shapes => new()
    {
        { ToolStreamingMode.Stream, true },
        { ToolStreamingMode.Buffer, true },
        { ToolStreamingMode.Stream, false },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public async Task An_empty_answer_is_asked_again_and_the_client_gets_only_the_second(ToolStreamingMode mode, bool stream)
    {
        await using var harness = await ProxyHarness.StartAsync(mode);
        harness.Simulator.Enqueue(SimulatedAnswer.Empty(), SimulatedAnswer.Text("4"));

        var (text, finish) = await AskAsync(harness, stream);

        Assert.Equal("4", text);
        Assert.Equal("stop", finish);
        Assert.Equal(2, harness.Simulator.ChatRequests.Count);
        Assert.False(harness.Simulator.ChatRequests[1].Stream);
        var completion = await harness.Completions.NextAsync();
        Assert.Equal(1, completion.EmptyRetries);
        Assert.False(completion.EmptyAnswer);
        Assert.False(completion.Failed);
        Assert.Equal(1, completion.ContentLength);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public async Task An_answer_still_empty_after_the_retry_is_explained_and_still_flagged(ToolStreamingMode mode, bool stream)
    {
        await using var harness = await ProxyHarness.StartAsync(mode);
        harness.Simulator.DefaultAnswer = SimulatedAnswer.Empty();

        var (text, finish) = await AskAsync(harness, stream);

        Assert.StartsWith("⚠️ The model returned an empty answer twice (no text, no tool calls).", text);
        Assert.Contains("`/status`", text);
        Assert.Equal("stop", finish);
        Assert.Equal(2, harness.Simulator.ChatRequests.Count);
        var completion = await harness.Completions.NextAsync();
        Assert.True(completion.EmptyAnswer);
        Assert.Equal(1, completion.EmptyRetries);
        Assert.Equal(0, completion.CompletionTokens);
        Assert.Null(completion.Error);
        var logged = Assert.Single(harness.Logs.Lines.Select(l => l.Message), m => m.Contains("completion model=", StringComparison.Ordinal));
        Assert.Contains("empty=True empty_retries=1 continued=False", logged);
    }

    [Fact]
    public async Task The_explanation_counts_every_attempt_of_a_larger_budget()
    {
        await using var harness = await ProxyHarness.StartAsync(o => o.EmptyAnswerRetries = 3);
        harness.Simulator.DefaultAnswer = SimulatedAnswer.Empty();

        var (text, _) = await AskAsync(harness, stream: true);

        Assert.StartsWith("⚠️ The model returned an empty answer 4 times (no text, no tool calls).", text);
        Assert.Equal(4, harness.Simulator.ChatRequests.Count);
        Assert.Equal(3, (await harness.Completions.NextAsync()).EmptyRetries);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public async Task No_retries_pass_the_empty_answer_on_as_it_is(ToolStreamingMode mode, bool stream)
    {
        await using var harness = await ProxyHarness.StartAsync(o => { o.ToolStreaming = mode; o.EmptyAnswerRetries = 0; });
        harness.Simulator.Enqueue(SimulatedAnswer.Empty(), SimulatedAnswer.Text("never asked for"));

        var (text, _) = await AskAsync(harness, stream);

        Assert.Equal(string.Empty, text);
        Assert.Single(harness.Simulator.ChatRequests);
        var completion = await harness.Completions.NextAsync();
        Assert.True(completion.EmptyAnswer);
        Assert.Equal(0, completion.EmptyRetries);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public async Task An_immediate_end_of_sequence_is_the_empty_answer_vllm_really_sends_and_is_asked_again(ToolStreamingMode mode, bool stream)
    {
        // content "", completion_tokens 1: the EOS is counted, not rendered (docs/vllm-behaviour.md).
        await using var harness = await ProxyHarness.StartAsync(mode);
        harness.Simulator.Enqueue(SimulatedAnswer.Empty(completionTokens: 1), SimulatedAnswer.Text("4"));

        var (text, _) = await AskAsync(harness, stream);

        Assert.Equal("4", text);
        Assert.Equal(2, harness.Simulator.ChatRequests.Count);
        var completion = await harness.Completions.NextAsync();
        Assert.False(completion.EmptyAnswer);
        Assert.Equal(1, completion.EmptyRetries);
    }

    [Fact]
    public async Task Retries_are_counted_in_metrics_and_only_answers_still_empty_count_as_empty()
    {
        await using var harness = await ProxyHarness.StartBufferedAsync();
        harness.Simulator.Enqueue(SimulatedAnswer.Empty(), SimulatedAnswer.Text("4"), SimulatedAnswer.Empty(), SimulatedAnswer.Empty());

        await AskAsync(harness, stream: true);
        await AskAsync(harness, stream: true);

        await harness.Completions.NextAsync(1);
        using var metrics = await harness.Http.GetAsync("/metrics");
        var text = await metrics.Content.ReadAsStringAsync();
        Assert.Contains("opsbot_proxy_empty_answer_retries_total 2", text);
        Assert.Contains("opsbot_proxy_empty_answers_total 1", text);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(ProxyOptions.MaxEmptyAnswerRetries + 1)]
    public void Empty_answer_retries_outside_the_range_are_refused(int retries)
    {
        var options = new ProxyOptions { EmptyAnswerRetries = retries };
        var results = new List<ValidationResult>();

        Assert.False(Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true));
        Assert.Contains(results, r => r.MemberNames.Contains(nameof(ProxyOptions.EmptyAnswerRetries)));
    }

    /// <returns>The answer's text and finish reason, whatever its shape.</returns>
    private static async Task<(string Text, string? Finish)> AskAsync(ProxyHarness harness, bool stream)
    {
        using var response = await harness.Http.PostAsync("/v1/chat/completions", ChatBodies.Content(ChatBodies.Create(stream, "exec")));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        if (stream)
        {
            Assert.Equal("[DONE]", SseEvents.Data(body)[^1]);
            var answer = StreamedAnswer.Assemble(SseEvents.ParseWithSdk(body));
            Assert.Empty(answer.ToolCalls);
            return (answer.Text, answer.FinishReason == OpenAI.Chat.ChatFinishReason.Stop ? "stop" : answer.FinishReason?.ToString());
        }

        using var json = JsonDocument.Parse(body);
        var choice = json.RootElement.GetProperty("choices")[0];
        return (choice.GetProperty("message").GetProperty("content").GetString() ?? string.Empty, choice.GetProperty("finish_reason").GetString());
    }
}
