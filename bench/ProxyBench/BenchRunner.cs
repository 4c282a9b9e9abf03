using System.Diagnostics;
using OpsBot.Bench.Diagnose;
using OpsBot.Bench.Hosts;
using OpsBot.Bench.Load;
using OpsBot.Bench.Report;
using OpsBot.Bench.Workload;
using OpsBot.ProxyCore.Proxy;

namespace OpsBot.Bench;

/// <summary>
/// One benchmark run: a simulator process, nginx as a plain hop and opsbot processes in buffer and stream mode in front of it, and this process as the load generator. Rounds are interleaved across targets so that
/// background load on a shared box does not favour whichever target happened to run first.
/// </summary>
internal static class BenchRunner
{
    /// <summary>Everything from this line on in the results file is kept when the benchmark rewrites it.</summary>
    public const string FindingsMarker = "<!-- findings: kept across runs -->";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

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

        var ports = FreePort.Next(3);
        List<TargetMeasurements> all = [new(new BenchTarget("direct", simulatorUrl, null))];
        // One hop at a time, so each start-up has the machine to itself (as after a reboot or a systemd restart).
        async Task StartAsync(string name, int port, Func<ChildProcess> start)
        {
            var process = start();
            var measurements = new TargetMeasurements(new BenchTarget(name, LoopbackUrl(port), process));
            all.Add(measurements);
            await client.WaitHealthyAsync(measurements.Target.BaseUrl, () => process.HasExited, name, StartTimeout);
            measurements.StartToHealthy = Stopwatch.GetElapsedTime(process.StartedAt);
            measurements.CpuToHealthy = process.CpuTime;
            // opsbot starts its components after its first answer: the next hop's start must not compete with them.
            await SettledAsync(process, ct);
        }

        try
        {
            if (NginxHop.Installed)
            {
                await StartAsync("nginx hop", ports[0], () => NginxHop.Start("nginx hop", ports[0], simulatorUrl));
            }
            else
            {
                Log(clock, $"{NginxHop.Program} not found: no nginx hop baseline (bench/run.sh installs nginx-light when run as root)");
            }

            await StartAsync("proxy buffer", ports[1], () => StartOpsBot(settings, "proxy buffer", ports[1], upstream, ToolStreamingMode.Buffer));
            await StartAsync("proxy stream", ports[2], () => StartOpsBot(settings, "proxy stream", ports[2], upstream, ToolStreamingMode.Stream));
            await MeasureAsync(settings, clock, client, simulator, bodies, all, ct);
        }
        finally
        {
            foreach (var target in all)
            {
                if (target.Target.Proxy is { } process)
                {
                    await process.DisposeAsync();
                }
            }
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

    private static async Task MeasureAsync(BenchSettings settings, Stopwatch clock, BenchClient client, ChildProcess simulator, RequestBodies bodies, IReadOnlyList<TargetMeasurements> all, CancellationToken ct)
    {
        var live = all.Select(t => (Measurements: t, t.Target)).ToArray();
        Log(clock, $"started: {string.Join(", ", all.Where(t => t.Target.Proxy is not null).Select(t => $"{t.Name} {t.Target.BaseUrl} (pid {t.Target.Proxy!.Id}) in {t.StartToHealthy!.Value.TotalSeconds:0.00} s"))}");

        foreach (var (_, target) in live)
        {
            await VerifyAsync(client, target, bodies.OpenClaw, BenchAnswers.FastText, ct);
        }

        await Task.Delay(settings.IdleSettle, ct);
        foreach (var (measurements, target) in live)
        {
            measurements.IdleRss = target.Proxy?.Memory.Rss ?? 0;
        }

        foreach (var (_, target) in live)
        {
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
        foreach (var (_, target) in live)
        {
            _ = target.Proxy is { } process && ProcMemory.ResetPeak(process.Id);
        }

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

        foreach (var (measurements, target) in live)
        {
            measurements.ThroughputPeakRss = target.Proxy?.Memory.PeakRss ?? 0;
        }

        Log(clock, $"time to first token, upstream paced at {BenchAnswers.PacedTokensPerSecond} tok/s for {BenchAnswers.PacedTokens} tokens, one request at a time");
        await SwitchAnswerAsync(simulator, "paced");
        for (var i = 0; i < settings.TtftRequests; i++)
        {
            foreach (var (measurements, target) in live)
            {
                var sample = await client.StreamAsync(target.ChatUri, bodies.OpenClaw, ct);
                Check(sample, target, BenchAnswers.PacedText);
                var ttft = sample.FirstContent!.Value.TotalMilliseconds;
                measurements.TtftMs.Add(ttft);
                measurements.TtftTotalMs.Add(sample.Total.TotalMilliseconds);
                var requestLeg = (await LastReceivedAsync(simulator) - sample.SentUtc).TotalMilliseconds;
                measurements.TtftRequestLegMs.Add(requestLeg);
                measurements.TtftResponseLegMs.Add(ttft - requestLeg);
            }
        }

        await SwitchAnswerAsync(simulator, "fast");
        Log(clock, $"peak RSS with {RequestBodies.LargeBodyBytes} B bodies at c={settings.RssConcurrency}, and {settings.RssRecovery.TotalSeconds:0} s later");
        var recoveries = new List<Task>();
        foreach (var (measurements, target) in live)
        {
            await VerifyAsync(client, target, bodies.OneMebibyte, BenchAnswers.FastText, ct);
            var before = target.Proxy?.Memory;
            var reset = target.Proxy is { } proxy && ProcMemory.ResetPeak(proxy.Id);
            var load = await ClosedLoop.RunAsync(client, target.ChatUri, bodies.OneMebibyte, settings.RssConcurrency, settings.RssRequests, settings.RssCap, ct);
            var after = target.Proxy?.Memory;
            measurements.Rss = new RssResult(before?.Rss ?? 0, after?.PeakRss ?? 0, after?.Rss ?? 0, reset, load);
            if (target.Proxy is { } process)
            {
                // Measured from this target's own load end; the next target's load runs meanwhile, in other processes.
                recoveries.Add(Task.Delay(settings.RssRecovery, ct).ContinueWith(_ => measurements.RecoveredRss = process.Memory.Rss, ct, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default));
            }
        }

        await Task.WhenAll(recoveries);
    }

    /// <summary>When the simulator had the latest request's whole body (its wall clock; same machine as ours).</summary>
    private static async Task<DateTimeOffset> LastReceivedAsync(ChildProcess simulator)
    {
        await simulator.SendLineAsync("last");
        var line = await simulator.WaitForLineAsync(SimulatorChild.LastReceived, TimeSpan.FromSeconds(10));
        return new DateTimeOffset(long.Parse(line.AsSpan(SimulatorChild.LastReceived.Length), System.Globalization.CultureInfo.InvariantCulture), TimeSpan.Zero);
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
        ], settings.OpsBotEnvironment);

    /// <summary>Until the process used under 5 % of a core over 200 ms (at most 10 s): its start-up work is done.</summary>
    private static async Task SettledAsync(ChildProcess process, CancellationToken ct)
    {
        var deadline = Stopwatch.StartNew();
        var before = process.CpuTime;
        while (deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(200), ct);
            var now = process.CpuTime;
            if (now - before < TimeSpan.FromMilliseconds(10))
            {
                return;
            }

            before = now;
        }
    }

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
