using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using OpsBot.IntegrationTests.Infrastructure;
using OpsBot.VllmSimulator;

namespace OpsBot.IntegrationTests.FailSafe;

/// <summary>
/// systemd stops OpsBot with SIGTERM (every restart, every deploy): it must exit 0 within 5 s, and every request in
/// flight is finished or answered: a stream that cannot finish in time ends with an error event and <c>data: [DONE]</c>,
/// never a reset connection.
/// </summary>
public sealed class ShutdownTests : IDisposable
{
    private static readonly TimeSpan ExitWithin = TimeSpan.FromSeconds(5);

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("opsbot-shutdown-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task Sigterm_exits_0_within_5_s_finishing_or_answering_every_request_in_flight()
    {
        await using var simulator = await VllmSimulatorServer.StartAsync();
        var port = FreePort.Next();
        await using var run = OpsBotRun.Start(
            ["--host", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture), "--vllm-url", simulator.BaseUrl.ToString().TrimEnd('/')], _dir.FullName);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
        await run.WaitHealthyAsync(http, TimeSpan.FromSeconds(30));

        // A stream that finishes well inside the drain time (about 1 s of tokens).
        simulator.Enqueue(SimulatedAnswer.Text(string.Join(' ', Enumerable.Range(1, 20).Select(i => $"word{i}"))) with { TokensPerSecond = 20 });
        var finishing = await StartStreamAsync(http, simulator, 1);
        // A stream vLLM never finishes (a wedged engine): its client must still get a well-formed end.
        simulator.Enqueue(SimulatedAnswer.StallMidStream("partial answer"));
        var wedged = await StartStreamAsync(http, simulator, 2);
        // A non-streaming request vLLM never answers: an OpenAI-shaped error, not a dropped connection.
        simulator.Enqueue(SimulatedAnswer.Stall());
        var stalled = http.PostAsync("/v1/chat/completions", Chat(stream: false));
        await WaitUntilAsync(() => simulator.ChatRequests.Count == 3, run);

        var stopping = Stopwatch.StartNew();
        run.Terminate();
        var exit = await run.WaitForExitAsync(TimeSpan.FromSeconds(15));
        var stoppedAfter = stopping.Elapsed;

        Assert.True(exit == 0, run.Output);
        Assert.True(stoppedAfter < ExitWithin, $"exited {stoppedAfter} after SIGTERM:\n{run.Output}");

        var finished = await finishing;
        Assert.Contains("word20", finished);
        Assert.DoesNotContain("\"error\"", finished);
        Assert.EndsWith("data: [DONE]\n\n", finished);

        var cut = await wedged;
        // What vLLM had sent got through (as its deltas), then the error event, then [DONE].
        Assert.True(cut.Contains("partial", StringComparison.Ordinal) && cut.IndexOf("partial", StringComparison.Ordinal) < cut.IndexOf("shutting down", StringComparison.Ordinal), cut);
        Assert.EndsWith("data: [DONE]\n\n", cut);

        using var answered = await stalled;
        Assert.Equal(HttpStatusCode.BadGateway, answered.StatusCode);
        var error = await answered.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("shutting down", error.GetProperty("error").GetProperty("message").GetString());
        Assert.DoesNotContain("Unhandled exception", run.Output);
    }

    private static StringContent Chat(bool stream) => new(
        $$"""{"model":"Qwen/Qwen3-Coder-Next-FP8","stream":{{(stream ? "true" : "false")}},"messages":[{"role":"user","content":"Count to twenty"}]}""",
        Encoding.UTF8, "application/json");

    /// <summary>Sends a streaming request, waits until vLLM has it and the answer has begun, and reads the rest in the background.</summary>
    private static async Task<Task<string>> StartStreamAsync(HttpClient http, VllmSimulatorServer simulator, int nth)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Chat(stream: true) };
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(nth, simulator.ChatRequests.Count);
        return ReadAllAsync(response);

        static async Task<string> ReadAllAsync(HttpResponseMessage response)
        {
            using (response)
            {
                // An IOException here would be the reset this test is about.
                return (await response.Content.ReadAsStringAsync()).ReplaceLineEndings("\n");
            }
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, OpsBotRun run)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(15), run.Output);
            await Task.Delay(20);
        }
    }
}
