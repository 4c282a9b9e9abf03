using System.Globalization;
using System.Text;
using OpsBot.Bench.Load;
using OpsBot.Bench.Report;

namespace OpsBot.Bench.Backends;

/// <summary>The multi-backend run as a markdown section of bench/RESULTS.md (replaced in place on every run).</summary>
internal static class BackendsReport
{
    public const string SectionStart = "<!-- backends: bench/run.sh backends -->";
    public const string SectionEnd = "<!-- /backends -->";

    public static string Render(MachineInfo machine, BackendsSettings settings, AgentWorkload workload, IReadOnlyList<PhaseResult> phases, TimeSpan duration)
    {
        var md = new StringBuilder();
        md.AppendLine(SectionStart);
        md.AppendLine("## Several vLLM backends: routing compared (issue 16)");
        md.AppendLine();
        md.AppendLine(F($"Measured {machine.StartedUtc} on {machine.CpuModel}, nproc {machine.ProcessorCount}, {machine.Runtime}; load average {machine.LoadAtStart} at start, {MachineInfo.LoadAverage()} at the end (1/5/15 min); took {duration.TotalSeconds:0} s{(settings.Quick ? " (--quick)" : "")}. ")
            + F($"{settings.Backends} vLLM simulator processes behind one opsbot process (Release, defaults as shipped but `Proxy:Routing`), this process as the agents; every phase starts fresh processes (cold caches), the routings back to back."));
        md.AppendLine();
        md.AppendLine(F($"Workload: {settings.Conversations} concurrent agent conversations of {settings.Turns} turns (streamed, through opsbot's stream mode): one OpenClaw agent's system prompt and 22 tools ")
            + F($"({workload.SharedPrefixBytes / 1000.0:0.0} kB, about {workload.SharedPrefixBytes / 4 / 1000.0:0.0}k tokens, shared by every conversation), the conversation's own task, then per turn the answer ({settings.AnswerTokens} tokens) ")
            + F($"and a {AgentWorkload.ToolOutputBytes / 1000.0:0.0} kB tool result appended; {settings.ThinkMin.TotalMilliseconds:0}-{settings.ThinkMax.TotalMilliseconds:0} ms of agent time between turns. ")
            + F($"Simulated engine: prompt processing {settings.PrefillTokensPerSecond:0} tok/s per backend shared by its requests (first come first served), decoding {settings.DecodeTokensPerSecond:0} tok/s per request, ")
            + F($"prefix cache of {settings.CacheTokens / 1e6:0.#}M tokens per backend (nothing of this workload is evicted: the difference is the routing alone). ")
            + F($"A cold turn's shared prefix costs {workload.SharedPrefixBytes / 4 / settings.PrefillTokensPerSecond:0.00} s of prefill, a cached turn only its {AgentWorkload.ToolOutputBytes / 4 / settings.PrefillTokensPerSecond * 1000:0} ms suffix, before queueing."));
        md.AppendLine();
        foreach (var kill in new[] { false, true })
        {
            var rows = phases.Where(p => p.Kill == kill).ToArray();
            if (rows.Length == 0)
            {
                continue;
            }

            md.AppendLine(kill ? "**One backend killed (SIGKILL) once half of the turns were done:**" : "**All backends up:**");
            md.AppendLine();
            md.AppendLine("| | " + string.Join(" | ", rows.Select(p => Name(p.Routing))) + " |");
            md.AppendLine("|---|" + string.Concat(rows.Select(_ => "---:|")));
            Row(md, "failed client requests (of turns); opsbot's own error count", rows, p => F($"**{p.Failed}** of {p.Turns.Count}; {p.Proxy.Errors:0}"));
            Row(md, "prefix-cache hit rate (cached / queried prompt tokens)", rows, p => F($"{p.HitRate:P1}"));
            Row(md, "prompt tokens computed per request", rows, p => F($"{p.ComputedTokensPerTurn:0}"));
            Row(md, "engine time spent on prompt processing", rows, p => F($"{p.PrefillBusy(settings.PrefillTokensPerSecond):P0}"));
            Row(md, "turn latency p50 / p95", rows, p => F($"{Pct(p, 0.5) / 1000:0.00} / {Pct(p, 0.95) / 1000:0.00} s"));
            Row(md, "time to first token p50 / p95", rows, p => F($"{Ttft(p, 0.5) / 1000:0.00} / {Ttft(p, 0.95) / 1000:0.00} s"));
            Row(md, "turns per second (wall time)", rows, p => F($"{p.Turns.Count / p.Wall.TotalSeconds:0.0} ({p.Wall.TotalSeconds:0} s)"));
            Row(md, "share of requests per backend (opsbot's count)", rows, p => Shares(p));
            Row(md, "hit rate per backend", rows, p => string.Join(" / ", p.Backends.Select(b => F($"{b.CachedTokens / Math.Max(1, b.QueriedTokens):P0}"))));
            if (kill)
            {
                Row(md, "turn latency p95: sent before the kill / in the 10 s after / later", rows, p => AroundKill(p));
                Row(md, "killed after; turns in flight then", rows, p => F($"{p.KilledAfter?.TotalSeconds:0.0} s; {p.InFlightAtKill}"));
                Row(md, "requests moved before their answer began (`opsbot_proxy_backend_failovers_total`)", rows, p => F($"{p.Backends.Sum(b => b.Failovers):0}"));
                Row(md, "broken streams finished elsewhere: continued after text / asked again before text", rows, p => F($"{p.Proxy.Continued:0} / {p.Proxy.Rewrapped:0}"));
            }

            Row(md, "load average at start → end of the phase", rows, p => $"{First(p.LoadAtStart)} → {First(p.LoadAtEnd)}");
            md.AppendLine();
            foreach (var phase in rows.Where(p => p.Failed > 0))
            {
                md.AppendLine(F($"Failures, {Name(phase.Routing)}{(kill ? " (kill)" : "")}: ")
                    + string.Join("; ", phase.Turns.Where(t => t.Failure is not null).GroupBy(t => t.Failure!).OrderByDescending(g => g.Count()).Take(5).Select(g => F($"{g.Count()} × {g.Key}"))) + ".");
                md.AppendLine();
            }
        }

        md.AppendLine("Hit rate: token-weighted over the backends (`vllm:prefix_cache_hits_total` / `vllm:prefix_cache_queries_total` of each simulator, the killed one read just before it died); "
            + "shares: `opsbot_proxy_backend_requests_total` per backend (the backend that answered, so a killed one's share is what it finished). "
            + "Latency is the client's, request sent to the last byte (`[DONE]`); a failure is a non-200, a broken connection, an error event, a missing `[DONE]` or content other than the model's answer.");
        md.AppendLine(SectionEnd);
        return md.ToString();
    }

    public static async Task WriteSectionAsync(string path, string section)
    {
        var text = File.Exists(path) ? await File.ReadAllTextAsync(path) : string.Empty;
        var start = text.IndexOf(SectionStart, StringComparison.Ordinal);
        var end = text.IndexOf(SectionEnd, StringComparison.Ordinal);
        text = start >= 0 && end > start
            ? text[..start] + section.TrimEnd() + text[(end + SectionEnd.Length)..]
            : text.TrimEnd() + Environment.NewLine + Environment.NewLine + section;
        await File.WriteAllTextAsync(path, text);
    }

    private static void Row(StringBuilder md, string label, IEnumerable<PhaseResult> phases, Func<PhaseResult, string> cell) =>
        md.AppendLine($"| {label} | " + string.Join(" | ", phases.Select(cell)) + " |");

    private static string Shares(PhaseResult phase)
    {
        var total = Math.Max(1, phase.Backends.Sum(b => b.ProxyAnswered));
        return string.Join(" / ", phase.Backends.Select(b => F($"{b.ProxyAnswered / total:P0}") + (b.Killed ? " (killed)" : "")));
    }

    private static string AroundKill(PhaseResult phase)
    {
        if (phase.KilledAfter is not { } killed)
        {
            return "–";
        }

        // A turn in flight at the kill counts as before it: its answer had to be saved.
        string P95(Func<TurnRecord, bool> which) =>
            phase.Turns.Where(which).Select(t => t.LatencyMs).ToArray() is { Length: > 0 } ms ? F($"{Percentiles.Of(ms, 0.95) / 1000:0.00}") : "–";
        var soon = killed + TimeSpan.FromSeconds(10);
        return P95(t => t.SentAt < killed) + " / " + P95(t => t.SentAt >= killed && t.SentAt < soon) + " / " + P95(t => t.SentAt >= soon) + " s";
    }

    private static double Pct(PhaseResult phase, double quantile) =>
        Percentiles.Of(phase.Turns.Where(t => t.Failure is null).Select(t => t.LatencyMs).ToArray(), quantile);

    private static double Ttft(PhaseResult phase, double quantile) =>
        Percentiles.Of(phase.Turns.Where(t => t.FirstTokenMs is not null).Select(t => t.FirstTokenMs!.Value).ToArray(), quantile);

    private static string Name(string routing) => routing switch
    {
        "RoundRobin" => "round-robin",
        "LeastOutstanding" => "least-outstanding",
        "Affinity" => "affinity (spill-over)",
        _ => routing,
    };

    private static string First(string load) => load.Split(' ')[0];

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
