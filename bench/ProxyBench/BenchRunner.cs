using System.Diagnostics;
using OpsBot.Bench.Diagnose;
using OpsBot.Bench.Hosts;
using OpsBot.Bench.Load;
using OpsBot.Bench.Report;
using OpsBot.Bench.Workload;
using OpsBot.ProxyCore.Proxy;

namespace OpsBot.Bench;

/// <summary>
/// One benchmark run: a simulator process, opsbot processes in buffer and stream mode in front of it, and this process as the load generator. Rounds are interleaved across targets so that
/// background load on a shared box does not favour whichever target happened to run first.
/// </summary>
internal static class BenchRunner
{
    /// <summary>Everything from this line on in the results file is kept when the benchmark rewrites it.</summary>
    public const string FindingsMarker = "<!-- findings: kept across runs -->";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan TtftStagger = TimeSpan.FromMilliseconds(50);

    public static async Task<int> RunAsync(string[] args)
    {
        var settings = BenchSettings.Parse(args);
        var clock = Stopwatch.StartNew();
        using var overall = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        var ct = overall.Token;

        var machine = await MachineInfo.CaptureAsync();
        var bodies = RequestBodies.Load(SharedReference.Locate());
        Log(clock, $"{machine.ProcessorCount} cores, SDK {machine.SdkVersion}, load {machine.LoadAtStart}; body {bodies.OpenClaw.Length} B from {bodies.SourcePath}");
        Log(clock, settings.ToString());

        var self = typeof(BenchRunner).Assembly.Location;
        using var client = new BenchClient();
        await using var simulator = ChildProcess.Start("simulator", self, ["simulator"]);
        var simulatorUrl = new Uri((await simulator.WaitForLineAsync(SimulatorChild.Ready, StartTimeout))[SimulatorChild.Ready.Length..]);
        var upstream = simulatorUrl.ToString().TrimEnd('/');

        var ports = FreePort.Next(2);
        await using var bufferProxy = StartOpsBot(settings, "proxy buffer", ports[0], upstream, ToolStreamingMode.Buffer);
        await using var streamProxy = StartOpsBot(settings, "proxy stream", ports[1], upstream, ToolStreamingMode.Stream);

        TargetMeasurements[] all =
        [
            new(new BenchTarget("direct", simulatorUrl, null)),
            new(new BenchTarget("proxy buffer", LoopbackUrl(ports[0]), bufferProxy)),
            new(new BenchTarget("proxy stream", LoopbackUrl(ports[1]), streamProxy)),
        ];
        var live = all.Select(t => (Measurements: t, t.Target)).ToArray();

        foreach (var (_, target) in live)
        {
            if (target.Proxy is { } proxy)
            {
                await client.WaitHealthyAsync(target.BaseUrl, () => proxy.HasExited, proxy.Name, StartTimeout);
            }
        }

        Log(clock, $"started: simulator {simulatorUrl}, {string.Join(", ", live.Where(l => l.Target.Proxy is not null).Select(l => $"{l.Target.Name} {l.Target.BaseUrl} (pid {l.Target.Proxy!.Id})"))}");

        foreach (var (_, target) in live)
        {
            await VerifyAsync(client, target, bodies.OpenClaw, BenchAnswers.FastText, ct);
            await ClosedLoop.RunAsync(client, target.ChatUri, bodies.OpenClaw, 1, settings.WarmupRequests, settings.WarmupCap, ct);
            await ClosedLoop.RunAsync(client, target.ChatUri, bodies.OpenClaw, settings.ThroughputConcurrency, int.MaxValue, settings.WarmupConcurrentDuration, ct);
        }

        Log(clock, "verified and warmed up; latency at c=1");
        for (var round = 0; round < settings.Rounds; round++)
        {
            foreach (var (measurements, target) in live)
            {
                var before = CpuNow(target.Proxy, simulator);
                var result = await ClosedLoop.RunAsync(client, target.ChatUri, bodies.OpenClaw, 1, settings.LatencyRequestsPerRound, settings.LatencyRoundCap, ct);
                var after = CpuNow(target.Proxy, simulator);
                measurements.Latency = measurements.Latency.Merge(result);
                measurements.LatencyCpu = measurements.LatencyCpu.Add(after.Minus(before));
            }
        }

        Log(clock, $"throughput at c={settings.ThroughputConcurrency}");
        for (var round = 0; round < settings.Rounds; round++)
        {
            foreach (var (measurements, target) in live)
            {
                var before = CpuNow(target.Proxy, simulator);
                var result = await ClosedLoop.RunAsync(client, target.ChatUri, bodies.OpenClaw, settings.ThroughputConcurrency, int.MaxValue, settings.ThroughputRoundDuration, ct);
                var after = CpuNow(target.Proxy, simulator);
                measurements.Throughput = measurements.Throughput.Merge(result);
                measurements.ThroughputCpu = measurements.ThroughputCpu.Add(after.Minus(before));
            }
        }

        Log(clock, $"time to first token, upstream paced at {BenchAnswers.PacedTokensPerSecond} tok/s for {BenchAnswers.PacedTokens} tokens");
        await SwitchAnswerAsync(simulator, "paced");
        for (var round = 0; round < settings.TtftRounds; round++)
        {
            foreach (var (measurements, target) in live)
            {
                // Staggered so the requests do not all queue behind one another's first chunk.
                var samples = await Task.WhenAll(Enumerable.Range(0, settings.TtftConcurrent).Select(async i =>
                {
                    await Task.Delay(TtftStagger * i, ct);
                    return await client.StreamAsync(target.ChatUri, bodies.OpenClaw, ct);
                }));
                foreach (var sample in samples)
                {
                    Check(sample, target, BenchAnswers.PacedText);
                    measurements.TtftMs.Add(sample.FirstContent!.Value.TotalMilliseconds);
                    measurements.TtftTotalMs.Add(sample.Total.TotalMilliseconds);
                }
            }
        }

        await SwitchAnswerAsync(simulator, "fast");
        Log(clock, $"peak RSS with {RequestBodies.LargeBodyBytes} B bodies at c={settings.RssConcurrency}");
        foreach (var (measurements, target) in live)
        {
            await VerifyAsync(client, target, bodies.OneMebibyte, BenchAnswers.FastText, ct);
            var before = target.Proxy?.Memory;
            var reset = target.Proxy is { } proxy && ProcMemory.ResetPeak(proxy.Id);
            var load = await ClosedLoop.RunAsync(client, target.ChatUri, bodies.OneMebibyte, settings.RssConcurrency, settings.RssRequests, settings.RssCap, ct);
            var after = target.Proxy?.Memory;
            measurements.Rss = new RssResult(before?.Rss ?? 0, after?.PeakRss ?? 0, after?.Rss ?? 0, reset, load);
        }

        Diagnosis? diagnosis = null;
        if (settings.Diagnose)
        {
            Log(clock, "diagnosis: in-process hot paths and an instrumented proxy process");
            diagnosis = await Investigation.RunAsync(client, settings, bodies, simulatorUrl, self, ct);
        }

        var report = ResultsReport.Render(machine, settings, bodies, all, diagnosis, MachineInfo.LoadAverage(), clock.Elapsed);
        Console.WriteLine();
        Console.WriteLine(report);
        if (settings.ResultsPath is { } path)
        {
            await File.WriteAllTextAsync(path, report + await KeptFindingsAsync(path, ct), ct);
            Log(clock, $"wrote {path}");
        }

        return 0;
    }

    /// <summary>Hand-written analysis below <see cref="FindingsMarker"/> in an earlier results file survives a re-run.</summary>
    private static async Task<string> KeptFindingsAsync(string path, CancellationToken ct)
    {
        if (!File.Exists(path))
        {
            return string.Empty;
        }

        var previous = await File.ReadAllTextAsync(path, ct);
        var marker = previous.IndexOf(FindingsMarker, StringComparison.Ordinal);
        return marker < 0 ? string.Empty : Environment.NewLine + previous[marker..];
    }

    private static ChildProcess StartOpsBot(BenchSettings settings, string name, int port, string upstream, ToolStreamingMode mode) =>
        ChildProcess.Start(name, settings.OpsBotDll,
        [
            "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--host", "127.0.0.1", "--vllm-url", upstream,
            // Explicit either way: the default has changed before.
            $"--Proxy:ToolStreaming={mode.ToString().ToLowerInvariant()}",
        ]);

    private static Uri LoopbackUrl(int port) => new($"http://127.0.0.1:{port}");

    private static CpuUse CpuNow(ChildProcess? proxy, ChildProcess simulator) =>
        new(proxy?.CpuTime ?? TimeSpan.Zero, simulator.CpuTime, Process.GetCurrentProcess().TotalProcessorTime);

    private static async Task SwitchAnswerAsync(ChildProcess simulator, string answer)
    {
        await simulator.SendLineAsync(answer);
        await simulator.WaitForLineAsync(SimulatorChild.Acknowledged + answer, TimeSpan.FromSeconds(10));
    }

    /// <summary>Measuring a broken path would be meaningless: the answer must arrive whole, as SSE, with [DONE].</summary>
    private static async Task VerifyAsync(BenchClient client, BenchTarget target, byte[] body, string expected, CancellationToken ct) =>
        Check(await client.StreamAsync(target.ChatUri, body, ct), target, expected);

    private static void Check(SseResult result, BenchTarget target, string expected)
    {
        if (result.Content != expected || !result.SawDone || result.Errors > 0 || result.FirstContent is null)
        {
            throw new InvalidOperationException(
                $"{target.Name}: unexpected stream (done={result.SawDone}, errors={result.Errors}, events={result.Events}, content='{result.Content[..Math.Min(80, result.Content.Length)]}').");
        }
    }

    private static void Log(Stopwatch clock, string message) => Console.Error.WriteLine($"[{clock.Elapsed.TotalSeconds,6:0.0}s] {message}");
}
