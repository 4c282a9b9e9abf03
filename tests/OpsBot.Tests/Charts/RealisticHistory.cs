using OpsBot.History;
using OpsBot.Ops.Probes;
using OpsBot.ProxyCore.Events;
using OpsBot.Tests.History;

namespace OpsBot.Tests.Charts;

/// <summary>
/// A seeded, realistic history written through the real pipeline (completion events through the proxy's roll-up, vLLM
/// /metrics samples through the sample writer): a working day's rhythm of OpenClaw turns, answers of a few seconds with
/// first tokens in under one, a vLLM outage (errors, no samples), a burst of empty answers, the KV cache filling up
/// under load. Same seed, same history: the chart in docs/ is regenerated from it.
/// </summary>
public static class RealisticHistory
{
    /// <summary>vLLM down for 25 minutes this long before the end (mid-afternoon for a day ending at 08:00).</summary>
    public static readonly TimeSpan OutageBeforeEnd = TimeSpan.FromHours(16.5);

    /// <summary>Empty answers ("No reply from agent") come in a burst this long before the end (late morning).</summary>
    public static readonly TimeSpan EmptyBurstBeforeEnd = TimeSpan.FromHours(21);

    public static async Task<(IReadOnlyList<TrafficMinute> Traffic, int Samples)> WriteAsync(HistoryDatabase database, DateTimeOffset end, TimeSpan span, int seed = 2026)
    {
        var random = new Random(seed);
        var traffic = new TrafficStore(database);
        var samples = new VllmSampleStore(database);
        var writer = new VllmSampleWriter(new VllmSampleObserver(), samples, new ListLogger<VllmSampleWriter>());
        var rollup = new TrafficRollup();
        var start = end - span;
        var outage = (From: end - OutageBeforeEnd, To: end - OutageBeforeEnd + TimeSpan.FromMinutes(25));
        var emptyBurst = (From: end - EmptyBurstBeforeEnd, To: end - EmptyBurstBeforeEnd + TimeSpan.FromMinutes(30));
        double generated = 1_000_000;
        var sampleCount = 0;

        for (var minute = start; minute < end; minute = minute.AddMinutes(1))
        {
            var load = Load(minute);
            var vllmDown = minute >= outage.From && minute < outage.To;
            var requests = Poisson(random, 0.3 + (7 * load));
            for (var r = 0; r < requests; r++)
            {
                var at = minute.AddSeconds(random.NextDouble() * 59);
                if (vllmDown)
                {
                    rollup.Add(new CompletionEvent
                    {
                        At = at,
                        Model = "Qwen/Qwen3-Coder-Next-FP8",
                        Streamed = true,
                        HasTools = true,
                        Path = CompletionPath.UpstreamUnavailable,
                        UpstreamStatus = null,
                        Latency = TimeSpan.FromSeconds(30 + (random.NextDouble() * 90)),
                        TimeToFirstByte = null,
                        PromptTokens = null,
                        CompletionTokens = null,
                        ToolCalls = 0,
                        ToolCallFormat = null,
                        ContentLength = 0,
                        EmptyAnswer = false,
                        Error = "vLLM unreachable",
                    });
                    continue;
                }

                // Answers take longer under load (queueing in vLLM): log-normal around 4-9 s, first token 0.3-2 s.
                var latency = LogNormal(random, 4_000 * (1 + load), 0.75);
                var firstToken = Math.Min(latency, LogNormal(random, 350 * (1 + (3 * load)), 0.6));
                var empty = (minute >= emptyBurst.From && minute < emptyBurst.To && random.NextDouble() < 0.35) || random.NextDouble() < 0.004;
                var failed = !empty && random.NextDouble() < 0.003;
                rollup.Add(new CompletionEvent
                {
                    At = at,
                    Model = "Qwen/Qwen3-Coder-Next-FP8",
                    Streamed = true,
                    HasTools = true,
                    Path = failed ? CompletionPath.UpstreamError : CompletionPath.Streamed,
                    UpstreamStatus = failed ? 500 : 200,
                    Latency = TimeSpan.FromMilliseconds(empty ? firstToken : latency),
                    TimeToFirstByte = TimeSpan.FromMilliseconds(firstToken),
                    PromptTokens = 48_000,
                    CompletionTokens = empty ? 0 : 180,
                    ToolCalls = empty ? 0 : random.Next(0, 2),
                    ToolCallFormat = null,
                    ContentLength = empty ? 0 : 600,
                    EmptyAnswer = empty,
                    Error = failed ? "upstream 500" : null,
                });
            }

            // The monitor probes vLLM every 30 s; while vLLM is down there is no /metrics to read.
            for (var s = 0; s < 2 && !vllmDown; s++)
            {
                var at = minute.AddSeconds(s * 30);
                var running = Poisson(random, 0.2 + (4 * load));
                generated += running * 38 * 30 * (0.8 + (random.NextDouble() * 0.4));
                var kv = Math.Clamp(0.06 + (0.8 * load * load) + (running * 0.04) + ((random.NextDouble() - 0.5) * 0.06), 0, 1);
                await samples.AddAsync(writer.ToSample(at, new VllmMetrics(running, Math.Max(0, running - 5), kv, generated)), CancellationToken.None);
                sampleCount++;
            }
        }

        var minutes = rollup.TakeCompleted(null);
        if (!await traffic.AddAsync(minutes, CancellationToken.None))
        {
            throw new InvalidOperationException($"history is not writable: {database.Health.Problem}");
        }

        return (minutes, sampleCount);
    }

    /// <summary>0 at night, 1 at the busiest hour: people working 07-19 UTC with a lunch dip, quieter at weekends.</summary>
    private static double Load(DateTimeOffset at)
    {
        var hour = at.UtcDateTime.TimeOfDay.TotalHours;
        var day = Math.Exp(-Math.Pow((hour - 10.5) / 2.2, 2)) + (0.85 * Math.Exp(-Math.Pow((hour - 15.5) / 2.0, 2)));
        var weekend = at.UtcDateTime.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday ? 0.3 : 1.0;
        return Math.Min(1, day * weekend);
    }

    private static int Poisson(Random random, double mean)
    {
        // Knuth: fine for the small means of one minute's requests.
        var limit = Math.Exp(-mean);
        var product = random.NextDouble();
        var count = 0;
        while (product > limit)
        {
            count++;
            product *= random.NextDouble();
        }

        return count;
    }

    private static double LogNormal(Random random, double median, double sigma)
    {
        var normal = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        return median * Math.Exp(sigma * normal);
    }
}
