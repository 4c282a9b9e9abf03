using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using OpsBot.Bench.Hosts;
using OpsBot.Bench.Load;
using OpsBot.Bench.Report;
using OpsBot.Bench.Workload;
using OpsBot.ProxyCore.Proxy.Backends;

namespace OpsBot.Bench.Backends;

/// <summary>
/// <c>ProxyBench backends</c> (<c>bench/run.sh backends</c>, issue 16): <see cref="BackendsSettings.Backends"/> simulator
/// processes with the prefix-cache model behind one opsbot process, and this process as the agents. Each routing runs
/// twice against fresh processes (cold caches): undisturbed, then with one backend SIGKILLed once half the turns are
/// done; routings run back to back within each kind of phase. The figures replace the section between
/// <see cref="BackendsReport.SectionStart"/> and <see cref="BackendsReport.SectionEnd"/> in the results file.
/// </summary>
internal static class BackendsRunner
{
    private static readonly BackendRouting[] Routings = [BackendRouting.RoundRobin, BackendRouting.LeastOutstanding, BackendRouting.Affinity];
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    public static async Task<int> RunAsync(string[] args)
    {
        var settings = BackendsSettings.Parse(args);
        var clock = Stopwatch.StartNew();
        var machine = await MachineInfo.CaptureAsync();
        var workload = AgentWorkload.Load(SharedReference.Locate());
        var phases = new List<PhaseResult>();
        foreach (var kill in new[] { false, true })
        {
            foreach (var routing in Routings)
            {
                Log(clock, $"{routing}{(kill ? ", one backend killed halfway" : "")}: {settings.Conversations} conversations x {settings.Turns} turns");
                using var cap = new CancellationTokenSource(settings.PhaseCap);
                var phase = await RunPhaseAsync(settings, workload, routing, kill, clock, cap.Token);
                Log(clock, string.Create(CultureInfo.InvariantCulture,
                    $"  {phase.Wall.TotalSeconds:0.0} s, hit rate {phase.HitRate:P1}, failed {phase.Failed}, p50 {Percentiles.Of(phase.Turns.Select(t => t.LatencyMs).ToArray(), 0.5):0} ms, load {phase.LoadAtEnd}"));
                phases.Add(phase);
            }
        }

        var section = BackendsReport.Render(machine, settings, workload, phases, clock.Elapsed);
        Console.WriteLine();
        Console.WriteLine(section);
        if (settings.ResultsPath is { } path)
        {
            await BackendsReport.WriteSectionAsync(path, section);
            Log(clock, $"wrote {path}");
        }

        return phases.Sum(p => p.Failed) == 0 ? 0 : 1;
    }

    private static async Task<PhaseResult> RunPhaseAsync(BackendsSettings settings, AgentWorkload workload, BackendRouting routing, bool kill, Stopwatch clock, CancellationToken ct)
    {
        var self = typeof(BackendsRunner).Assembly.Location;
        var simulators = new List<ChildProcess>();
        try
        {
            for (var i = 0; i < settings.Backends; i++)
            {
                simulators.Add(ChildProcess.Start($"backend {i + 1}", self,
                [
                    "backend",
                    F($"{settings.PrefillTokensPerSecond}"), F($"{settings.DecodeTokensPerSecond}"), F($"{settings.CacheTokens}"), F($"{settings.AnswerTokens}"),
                ]));
            }

            var urls = new List<Uri>();
            foreach (var simulator in simulators)
            {
                urls.Add(new Uri((await simulator.WaitForLineAsync(SimulatorChild.Ready, StartTimeout))[SimulatorChild.Ready.Length..]));
            }

            var port = FreePort.Next(1)[0];
            await using var opsbot = ChildProcess.Start("opsbot", settings.OpsBotDll,
            [
                "--port", F($"{port}"), "--host", "127.0.0.1",
                "--vllm-url", string.Join(",", urls.Select(u => u.ToString().TrimEnd('/'))),
                $"--Proxy:Routing={routing}",
            ]);
            var baseUrl = new Uri($"http://127.0.0.1:{port}");
            using var client = new BenchClient();
            await client.WaitHealthyAsync(baseUrl, () => opsbot.HasExited, "opsbot", StartTimeout);

            var victim = settings.Backends / 2;
            var loadAtStart = MachineInfo.LoadAverage();
            var total = settings.Conversations * settings.Turns;
            var expected = AgentWorkload.AnswerText(settings.AnswerTokens);
            var records = new ConcurrentBag<TurnRecord>();
            var half = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            int completed = 0, inFlight = 0;
            var started = Stopwatch.GetTimestamp();

            async Task ConverseAsync(int id)
            {
                var random = new Random(id * 7919 + 17);
                var messages = new List<byte[]> { workload.System, AgentWorkload.FirstUserMessage(id) };
                await Task.Delay(settings.StartSpread * random.NextDouble(), ct);
                for (var turn = 0; turn < settings.Turns; turn++)
                {
                    var body = workload.Body(messages);
                    var sent = Stopwatch.GetTimestamp();
                    Interlocked.Increment(ref inFlight);
                    string? failure;
                    SseResult? result = null;
                    try
                    {
                        result = await client.StreamAsync(BenchClient.ChatUri(baseUrl), body, ct);
                        failure = result.Content != expected ? $"content differs: '{Cut(result.Content)}'"
                            : !result.SawDone ? "no [DONE]"
                            : result.Errors > 0 ? "error event in the stream"
                            : null;
                    }
                    catch (Exception ex) when (!ct.IsCancellationRequested && ex is HttpRequestException or IOException or BenchRequestException or TaskCanceledException or System.Text.Json.JsonException)
                    {
                        failure = $"{ex.GetType().Name}: {Cut(ex.Message)}";
                    }
                    finally
                    {
                        Interlocked.Decrement(ref inFlight);
                    }

                    records.Add(new TurnRecord(id, turn, Stopwatch.GetElapsedTime(started, sent), Stopwatch.GetElapsedTime(sent).TotalMilliseconds, result?.FirstContent?.TotalMilliseconds, failure));
                    if (Interlocked.Increment(ref completed) == total / 2)
                    {
                        half.TrySetResult();
                    }

                    // The agent carries on with the answer it should have had, so a failure does not change later turns' prefixes.
                    messages.Add(AgentWorkload.Assistant(expected));
                    messages.Add(AgentWorkload.ToolResult(id, turn));
                    if (turn + 1 < settings.Turns)
                    {
                        await Task.Delay(settings.ThinkMin + (settings.ThinkMax - settings.ThinkMin) * random.NextDouble(), ct);
                    }
                }
            }

            var conversations = Task.WhenAll(Enumerable.Range(0, settings.Conversations).Select(id => Task.Run(() => ConverseAsync(id), ct)));
            TimeSpan? killedAfter = null;
            var inFlightAtKill = 0;
            IReadOnlyList<MetricSample>? victimMetrics = null;
            if (kill)
            {
                await Task.WhenAny(half.Task, conversations);
                // Its counters die with it: read them just before.
                victimMetrics = await ScrapeAsync(urls[victim], ct);
                inFlightAtKill = Volatile.Read(ref inFlight);
                await simulators[victim].KillAsync();
                killedAfter = Stopwatch.GetElapsedTime(started);
                Log(clock, F($"  killed backend {victim + 1} (pid gone) after {killedAfter.Value.TotalSeconds:0.0} s, {Volatile.Read(ref completed)} turns done, {inFlightAtKill} in flight"));
            }

            await conversations;
            var wall = Stopwatch.GetElapsedTime(started);
            var loadAtEnd = MachineInfo.LoadAverage();
            var proxy = await ScrapeAsync(baseUrl, ct);
            var stats = new List<BackendStats>();
            for (var i = 0; i < urls.Count; i++)
            {
                var samples = kill && i == victim ? victimMetrics! : await ScrapeAsync(urls[i], ct);
                var name = $"{urls[i].Host}:{urls[i].Port}";
                stats.Add(new BackendStats(
                    $"backend {i + 1}",
                    PrometheusText.Sum(samples, "vllm:prefix_cache_queries_total"),
                    PrometheusText.Sum(samples, "vllm:prefix_cache_hits_total"),
                    PrometheusText.Sum(samples, "http_requests_total", ("handler", "/v1/chat/completions")),
                    PrometheusText.Sum(proxy, "opsbot_proxy_backend_requests_total", ("backend", name)),
                    PrometheusText.Sum(proxy, "opsbot_proxy_backend_failovers_total", ("backend", name)),
                    kill && i == victim));
            }

            var counts = new ProxyCounts(
                PrometheusText.Sum(proxy, "opsbot_proxy_stream_continuations_total"),
                PrometheusText.Sum(proxy, "opsbot_proxy_chat_requests_total", ("path", "Rewrapped")),
                PrometheusText.Sum(proxy, "opsbot_proxy_chat_requests_total", ("outcome", "error")));
            return new PhaseResult(routing.ToString(), kill, wall, [.. records], stats, loadAtStart, loadAtEnd, killedAfter, inFlightAtKill, counts);
        }
        finally
        {
            foreach (var simulator in simulators)
            {
                await simulator.DisposeAsync();
            }
        }
    }

    private static async Task<IReadOnlyList<MetricSample>> ScrapeAsync(Uri baseUrl, CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        return PrometheusText.Parse(await http.GetStringAsync(new Uri(baseUrl, "/metrics"), ct));
    }

    private static string Cut(string text) => text.Length <= 160 ? text : text[..160] + "…";

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static void Log(Stopwatch clock, string message) => Console.Error.WriteLine($"[{clock.Elapsed.TotalSeconds,6:0.0}s] {message}");
}
