using System.Globalization;
using System.Text;
using OpsBot.Bench.Diagnose;
using OpsBot.Bench.Load;
using OpsBot.Bench.Workload;

namespace OpsBot.Bench.Report;

/// <summary>Renders the run as markdown: the results table, the targets with PASS/FAIL, and the diagnosis.</summary>
internal static class ResultsReport
{
    private const double MiB = 1024 * 1024;
    // Issue 17's targets; a hop is judged against nginx as a plain hop and against direct, measured in the same run.
    private const double ThroughputVersusNginxTarget = 0.40;
    private const double CpuPerRequestTargetMs = 0.15;
    private const double TtftAddedTargetMs = 1;
    private const double IdleRssTargetMiB = 60;
    private const double PeakRssTargetMiB = 120;
    private const double RecoveryTargetMiB = 20;
    private const double StartTargetSeconds = 0.5;

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Render(MachineInfo machine, BenchSettings settings, RequestBodies bodies, IReadOnlyList<TargetMeasurements> targets, Diagnosis? diagnosis, string loadAtEnd, TimeSpan duration)
    {
        var direct = targets[0];
        var proxies = targets.Skip(1).ToArray();
        var md = new StringBuilder();
        md.AppendLine("# Proxy benchmark");
        md.AppendLine();
        md.AppendLine(F($"Measured {machine.StartedUtc} on {machine.CpuModel}, nproc {machine.ProcessorCount}, .NET SDK {machine.SdkVersion} ({machine.Runtime}), {machine.Os}. ")
            + F($"Load average {machine.LoadAtStart} at start, {loadAtEnd} at the end (1/5/15 min); the run took {duration.TotalSeconds:0} s."));
        md.AppendLine();
        md.AppendLine(F($"Workload: the captured OpenClaw 2026.2.12 request \"What is 2+2?\" ({bodies.OpenClaw.Length} B compact JSON, stream:true, 22 tools) against the vLLM simulator answering ")
            + F($"\"{BenchAnswers.FastText}\" with zero think time; time to first token with the simulator decoding {BenchAnswers.PacedTokens} tokens at {BenchAnswers.PacedTokensPerSecond:0} tok/s, one request at a time; ")
            + F($"peak RSS with the system prompt padded to {RequestBodies.LargeBodyBytes / MiB:0} MiB. Simulator, nginx (one process), opsbot (Release, ReadyToRun as docs/deploy.md publishes it) and the load generator are separate processes on 127.0.0.1; ")
            + F($"latency is measured to the last byte of the response. {settings}."));
        md.AppendLine();

        var nginx = targets.FirstOrDefault(t => t.Name == "nginx hop");
        var c = settings.ThroughputConcurrency;
        md.Append("| Metric | ").AppendJoin(" | ", targets.Select(t => t.Name)).AppendLine(" |");
        md.Append("|---|").AppendJoin("", targets.Select(_ => "---:|")).AppendLine();
        Row(md, "start to first /health 200 (CPU used by then)", targets, t => t.StartToHealthy is { } start ? F($"{start.TotalSeconds:0.00} s ({t.CpuToHealthy?.TotalSeconds:0.00} s)") : "–", _ => null);
        Row(md, "p50 latency, c=1", targets, t => Ms(t.Latency.Percentile(0.50)), t => Delta(t.Latency.Percentile(0.50) - direct.Latency.Percentile(0.50)));
        Row(md, "p99 latency, c=1", targets, t => Ms(t.Latency.Percentile(0.99)), t => Delta(t.Latency.Percentile(0.99) - direct.Latency.Percentile(0.99)));
        Row(md, "throughput, c=1", targets, t => Rps(t.Latency.RequestsPerSecond), t => Ratio(t.Latency.RequestsPerSecond, direct.Latency.RequestsPerSecond));
        Row(md, F($"throughput, c={c} (share of direct; × nginx hop)"), targets, t => Rps(t.Throughput.RequestsPerSecond),
            t => Ratio(t.Throughput.RequestsPerSecond, direct.Throughput.RequestsPerSecond) + (nginx is null ? "" : F($"; {t.Throughput.RequestsPerSecond / nginx.Throughput.RequestsPerSecond:0.00}×")));
        Row(md, F($"p50 / p99 latency, c={c}"), targets, t => F($"{t.Throughput.Percentile(0.5):0.0} / {t.Throughput.Percentile(0.99):0.0} ms"), _ => null);
        Row(md, F($"hop CPU per request, c={c} (utime+stime / requests)"), targets, t => t.Target.Proxy is null ? "–" : F($"{HopCpuMs(t.ThroughputCpu, t.Throughput.Count):0.000} ms"), _ => null);
        Row(md, "CPU per request at c=1: hop / simulator / client", targets, t => CpuPerRequest(t.LatencyCpu, t.Latency.Count, t), _ => null);
        Row(md, F($"CPU per request at c={c}: hop / simulator / client"), targets, t => CpuPerRequest(t.ThroughputCpu, t.Throughput.Count, t), _ => null);
        Row(md, "time to first content token, p50 (max)", targets,
            t => F($"{Ms(Percentiles.Of(t.TtftMs, 0.5))} ({t.TtftMs.DefaultIfEmpty(double.NaN).Max():0.0})"),
            t => Delta(Percentiles.Of(t.TtftMs, 0.5) - Percentiles.Of(direct.TtftMs, 0.5)));
        Row(md, "TTFT request leg, p50: client send → upstream has the body", targets, t => Ms(Percentiles.Of(t.TtftRequestLegMs, 0.5)),
            t => Delta(Percentiles.Of(t.TtftRequestLegMs, 0.5) - Percentiles.Of(direct.TtftRequestLegMs, 0.5)));
        Row(md, "TTFT response leg, p50: upstream's first token → client", targets, t => Ms(Percentiles.Of(t.TtftResponseLegMs, 0.5)),
            t => Delta(Percentiles.Of(t.TtftResponseLegMs, 0.5) - Percentiles.Of(direct.TtftResponseLegMs, 0.5)));
        Row(md, "paced response complete, p50", targets, t => Ms(Percentiles.Of(t.TtftTotalMs, 0.5)), t => Delta(Percentiles.Of(t.TtftTotalMs, 0.5) - Percentiles.Of(direct.TtftTotalMs, 0.5)));
        Row(md, F($"RSS idle / peak c={c} / peak c={settings.RssConcurrency} × 1 MiB / {settings.RssRecovery.TotalSeconds:0} s after"), targets,
            t => t.Target.Proxy is null || t.Rss is null ? "–" : F($"{t.IdleRss / MiB:0} / {t.ThroughputPeakRss / MiB:0} / {t.Rss.PeakBytes / MiB:0} / {t.RecoveredRss / MiB:0} MiB"), _ => null);
        Row(md, F($"throughput, c={settings.RssConcurrency}, 1 MiB bodies"), targets,
            t => Rps(t.Rss?.Load.RequestsPerSecond ?? double.NaN), t => Ratio(t.Rss?.Load.RequestsPerSecond ?? double.NaN, direct.Rss?.Load.RequestsPerSecond ?? double.NaN));
        md.AppendLine();
        md.AppendLine("Values in parentheses: difference to direct (ms) or share of direct throughput. \"hop\" is the process between client and simulator (nginx or opsbot); its CPU is utime+stime from /proc/PID/stat over the phase, divided by the requests served.");
        md.AppendLine("TTFT legs: the simulator's wall clock when the whole request body had arrived, minus the client's when it sent it; the response leg is the rest of the time to first token (it includes the simulator's own time to its first token, the same for every target).");
        if (proxies.Any(p => p.Rss is { PeakWasReset: false }))
        {
            md.AppendLine("VmHWM could not be reset before the RSS phases, so a peak may stem from an earlier phase.");
        }

        md.AppendLine();
        md.AppendLine("## Targets (issue 17)");
        md.AppendLine();
        md.Append("| Target | ").AppendJoin(" | ", proxies.Select(p => p.Name)).AppendLine(" |");
        md.Append("|---|").AppendJoin("", proxies.Select(_ => "---|")).AppendLine();
        if (nginx is not null)
        {
            Check(md, F($"throughput at c={c} ≥ {ThroughputVersusNginxTarget:0.00} × nginx hop"), proxies, p =>
            {
                var ratio = p.Throughput.RequestsPerSecond / nginx.Throughput.RequestsPerSecond;
                return new TargetCheck(ratio >= ThroughputVersusNginxTarget, F($"{ratio:0.00}×"));
            });
        }

        Check(md, F($"hop CPU per request at c={c} ≤ {CpuPerRequestTargetMs} ms"), proxies, p =>
        {
            var cpu = HopCpuMs(p.ThroughputCpu, p.Throughput.Count);
            return new TargetCheck(cpu <= CpuPerRequestTargetMs, F($"{cpu:0.000} ms"));
        });
        Check(md, F($"TTFT added ≤ {TtftAddedTargetMs} ms at the median"), proxies, p => Overhead(Percentiles.Of(p.TtftMs, 0.5) - Percentiles.Of(direct.TtftMs, 0.5), TtftAddedTargetMs));
        Check(md, F($"RSS idle ≤ {IdleRssTargetMiB} MiB"), proxies, p => new TargetCheck(p.IdleRss / MiB <= IdleRssTargetMiB, F($"{p.IdleRss / MiB:0} MiB")));
        Check(md, F($"peak RSS at c={settings.RssConcurrency} × 1 MiB ≤ {PeakRssTargetMiB} MiB"), proxies, p =>
        {
            var peak = (p.Rss?.PeakBytes ?? 0) / MiB;
            return new TargetCheck(peak <= PeakRssTargetMiB, F($"{peak:0} MiB"));
        });
        Check(md, F($"RSS {settings.RssRecovery.TotalSeconds:0} s after load within {RecoveryTargetMiB} MiB of idle"), proxies, p =>
        {
            var over = (p.RecoveredRss - p.IdleRss) / MiB;
            return new TargetCheck(over <= RecoveryTargetMiB, F($"{over:+0;-0} MiB"));
        });
        Check(md, F($"start to first /health 200 ≤ {StartTargetSeconds} s"), proxies, p =>
        {
            var start = p.StartToHealthy?.TotalSeconds ?? double.NaN;
            return new TargetCheck(start <= StartTargetSeconds, F($"{start:0.00} s"));
        });

        if (diagnosis is not null)
        {
            RenderDiagnosis(md, diagnosis);
        }

        return md.ToString();
    }

    private static void RenderDiagnosis(StringBuilder md, Diagnosis diagnosis)
    {
        md.AppendLine();
        md.AppendLine("## Diagnosis");
        md.AppendLine();
        md.AppendLine("Per-request steps of buffer mode for a tools request, run in-process on one thread (allocated managed bytes, thread CPU time and wall time per call):");
        md.AppendLine();
        md.AppendLine("| body | step | allocated | CPU | wall |");
        md.AppendLine("|---|---|---:|---:|---:|");
        foreach (var stage in diagnosis.Stages)
        {
            md.AppendLine(F($"| {stage.Body} | {stage.Stage} | {Bytes(stage.BytesPerOp)} | {stage.CpuMicrosecondsPerOp:0.0} µs | {stage.WallMicrosecondsPerOp:0.0} µs |"));
        }

        md.AppendLine();
        md.AppendLine("The same ProxyApplication as opsbot, in its own process with GC counters and sampled allocation ticks (`ProxyBench proxy-host`):");
        md.AppendLine();
        md.AppendLine("| configuration | workload | p50 / p99 | proxy CPU / request | allocated / request | GCs gen0/1/2 | GC pause | peak RSS | top sampled allocations (per request) |");
        md.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---|");
        foreach (var run in diagnosis.Runs)
        {
            foreach (var gc in new[] { run.Small, run.Large })
            {
                var top = string.Join(", ", gc.After.TopAllocations.Take(4).Select(a => F($"{Short(a.Type)} {a.Heap} {Bytes((double)a.Bytes / gc.Requests)}")));
                md.AppendLine(F($"| {run.Configuration}, {(gc.After.ServerGc ? "server GC" : "workstation GC (as opsbot ships)")} | {gc.Workload}, {gc.Requests} req at c={gc.Concurrency} | {gc.Load.Percentile(0.5):0.0} / {gc.Load.Percentile(0.99):0.0} ms | {gc.CpuPerRequestMs:0.00} ms | {Bytes(gc.AllocatedPerRequest)} | {gc.Gen0}/{gc.Gen1}/{gc.Gen2} | {gc.PauseMilliseconds:0} ms | {gc.PeakRssBytes / MiB:0} MiB | {top} |"));
            }
        }
    }

    private static void Row(StringBuilder md, string metric, IReadOnlyList<TargetMeasurements> targets, Func<TargetMeasurements, string> value, Func<TargetMeasurements, string?> versusDirect)
    {
        md.Append("| ").Append(metric).Append(" |");
        for (var i = 0; i < targets.Count; i++)
        {
            var target = targets[i];
            md.Append(' ').Append(value(target));
            if (i > 0 && versusDirect(target) is { } relative)
            {
                md.Append(" (").Append(relative).Append(')');
            }

            md.Append(" |");
        }

        md.AppendLine();
    }

    private static void Check(StringBuilder md, string goal, IReadOnlyList<TargetMeasurements> proxies, Func<TargetMeasurements, TargetCheck> judge)
    {
        md.Append("| ").Append(goal).Append(" |");
        foreach (var proxy in proxies)
        {
            md.Append(' ').Append(judge(proxy).ToString()).Append(" |");
        }

        md.AppendLine();
    }

    private static TargetCheck Overhead(double deltaMs, double limitMs) => new(deltaMs <= limitMs, Delta(deltaMs) + " ms");

    private static double HopCpuMs(CpuUse cpu, int requests) => cpu.Proxy.TotalMilliseconds / Math.Max(1, requests);

    private static string CpuPerRequest(CpuUse cpu, int requests, TargetMeasurements t)
    {
        var count = Math.Max(1, requests);
        var proxy = t.Target.Proxy is null ? "–" : F($"{cpu.Proxy.TotalMilliseconds / count:0.00}");
        return F($"{proxy} / {cpu.Simulator.TotalMilliseconds / count:0.00} / {cpu.Client.TotalMilliseconds / count:0.00} ms");
    }

    private static string Ms(double value) => double.IsNaN(value) ? "n/a" : F($"{value:0.00} ms");

    private static string Rps(double value) => double.IsNaN(value) ? "n/a" : F($"{value:0} req/s");

    private static string Delta(double value) => double.IsNaN(value) ? "n/a" : F($"{value:+0.00;-0.00}");

    private static string Ratio(double value, double baseline) => double.IsNaN(value) || double.IsNaN(baseline) || baseline <= 0 ? "n/a" : F($"{value / baseline:0%}");

    private static string Bytes(double value) => value switch
    {
        >= MiB => F($"{value / MiB:0.00} MiB"),
        >= 1024 => F($"{value / 1024:0.0} KiB"),
        _ => F($"{value:0} B"),
    };

    private static string Short(string type) => type.Length > 40 ? type[(type.LastIndexOf('.') + 1)..] : type;

    private static string F(FormattableString text) => text.ToString(Invariant);
}
