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
    private const double P50OverheadTargetMs = 0.5;
    private const double P99OverheadTargetMs = 2;
    private const double ThroughputTargetRatio = 0.8;
    private const double TtftTargetMs = 5;
    private const double RssTargetMiB = 100;

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
            + F($"\"{BenchAnswers.FastText}\" with zero think time; time to first token with the simulator decoding {BenchAnswers.PacedTokens} tokens at {BenchAnswers.PacedTokensPerSecond:0} tok/s; ")
            + F($"peak RSS with the system prompt padded to {RequestBodies.LargeBodyBytes / MiB:0} MiB. Simulator, opsbot (Release, workstation GC as shipped) and the load generator are separate processes on 127.0.0.1; ")
            + F($"latency is measured to the last byte of the response. {settings}."));
        md.AppendLine();

        md.Append("| Metric | ").AppendJoin(" | ", targets.Select(t => t.Name)).AppendLine(" |");
        md.Append("|---|").AppendJoin("", targets.Select(_ => "---:|")).AppendLine();
        Row(md, "p50 latency, c=1", targets, t => Ms(t.Latency.Percentile(0.50)), t => Delta(t.Latency.Percentile(0.50) - direct.Latency.Percentile(0.50)));
        Row(md, "p99 latency, c=1", targets, t => Ms(t.Latency.Percentile(0.99)), t => Delta(t.Latency.Percentile(0.99) - direct.Latency.Percentile(0.99)));
        Row(md, "CPU per request at c=1: proxy / simulator / client", targets, t => CpuPerRequest(t.LatencyCpu, t.Latency.Count, t), _ => null);
        Row(md, "throughput, c=1", targets, t => Rps(t.Latency.RequestsPerSecond), t => Ratio(t.Latency.RequestsPerSecond, direct.Latency.RequestsPerSecond));
        Row(md, F($"throughput, c={settings.ThroughputConcurrency}"), targets, t => Rps(t.Throughput.RequestsPerSecond), t => Ratio(t.Throughput.RequestsPerSecond, direct.Throughput.RequestsPerSecond));
        Row(md, F($"p50 / p99 latency, c={settings.ThroughputConcurrency}"), targets,
            t => F($"{t.Throughput.Percentile(0.5):0.0} / {t.Throughput.Percentile(0.99):0.0} ms"), _ => null);
        Row(md, F($"CPU per request at c={settings.ThroughputConcurrency}: proxy / simulator / client"), targets, t => CpuPerRequest(t.ThroughputCpu, t.Throughput.Count, t), _ => null);
        Row(md, "time to first content token, p50 (max)", targets,
            t => F($"{Ms(Percentiles.Of(t.TtftMs, 0.5))} ({t.TtftMs.DefaultIfEmpty(double.NaN).Max():0.0})"),
            t => Delta(Percentiles.Of(t.TtftMs, 0.5) - Percentiles.Of(direct.TtftMs, 0.5)));
        Row(md, "paced response complete, p50", targets, t => Ms(Percentiles.Of(t.TtftTotalMs, 0.5)), t => Delta(Percentiles.Of(t.TtftTotalMs, 0.5) - Percentiles.Of(direct.TtftTotalMs, 0.5)));
        Row(md, F($"proxy peak RSS, c={settings.RssConcurrency}, 1 MiB bodies (RSS before; growth)"), targets,
            t => t.Target.Proxy is null || t.Rss is null ? "n/a" : F($"{t.Rss.PeakBytes / MiB:0} MiB ({t.Rss.BeforeBytes / MiB:0}; +{(t.Rss.PeakBytes - t.Rss.BeforeBytes) / MiB:0})"), _ => null);
        Row(md, F($"throughput, c={settings.RssConcurrency}, 1 MiB bodies"), targets,
            t => Rps(t.Rss?.Load.RequestsPerSecond ?? double.NaN), t => Ratio(t.Rss?.Load.RequestsPerSecond ?? double.NaN, direct.Rss?.Load.RequestsPerSecond ?? double.NaN));
        md.AppendLine();
        md.AppendLine("Values in parentheses: difference to direct (ms) or share of direct throughput.");
        if (proxies.Any(p => p.Rss is { PeakWasReset: false }))
        {
            md.AppendLine("VmHWM could not be reset before the RSS phase, so the peak may stem from an earlier phase.");
        }

        md.AppendLine();
        md.AppendLine("## Targets");
        md.AppendLine();
        md.Append("| Target | ").AppendJoin(" | ", proxies.Select(p => p.Name)).AppendLine(" |");
        md.Append("|---|").AppendJoin("", proxies.Select(_ => "---|")).AppendLine();
        Check(md, F($"p50 overhead ≤ {P50OverheadTargetMs} ms at c=1"), proxies, p => Overhead(p.Latency.Percentile(0.5) - direct.Latency.Percentile(0.5), P50OverheadTargetMs));
        Check(md, F($"p99 overhead ≤ {P99OverheadTargetMs} ms at c=1"), proxies, p => Overhead(p.Latency.Percentile(0.99) - direct.Latency.Percentile(0.99), P99OverheadTargetMs));
        Check(md, F($"throughput ≥ {ThroughputTargetRatio:0%} of direct at c={settings.ThroughputConcurrency}"), proxies, p =>
        {
            var ratio = p.Throughput.RequestsPerSecond / direct.Throughput.RequestsPerSecond;
            return new TargetCheck(ratio >= ThroughputTargetRatio, F($"{ratio:0%}"));
        });
        Check(md, F($"TTFT within {TtftTargetMs} ms of upstream"), proxies, p => Overhead(Percentiles.Of(p.TtftMs, 0.5) - Percentiles.Of(direct.TtftMs, 0.5), TtftTargetMs));
        Check(md, F($"peak RSS ≤ {RssTargetMiB} MiB at c={settings.RssConcurrency}, 1 MiB bodies"), proxies, p =>
        {
            var peak = (p.Rss?.PeakBytes ?? 0) / MiB;
            return new TargetCheck(peak <= RssTargetMiB, F($"{peak:0} MiB"));
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
