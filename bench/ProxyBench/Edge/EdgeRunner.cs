using System.Diagnostics;
using System.Globalization;
using System.Text;
using OpsBot.Bench.Hosts;
using OpsBot.Bench.Load;
using OpsBot.Bench.Report;
using OpsBot.Bench.Workload;
using OpsBot.ProxyCore.Proxy;

namespace OpsBot.Bench.Edge;

/// <summary>
/// <c>ProxyBench edge</c> (<c>bench/run.sh edge</c>): the memory probes of issue 11, each against a fresh opsbot
/// process in front of the simulator process, this process as the hostile client. The figures replace the
/// section between <see cref="SectionStart"/> and <see cref="SectionEnd"/> in the results file (added at its end
/// the first time, below the findings the main run keeps).
/// </summary>
internal static class EdgeRunner
{
    public const string SectionStart = "<!-- edge probes: bench/run.sh edge -->";
    public const string SectionEnd = "<!-- /edge probes -->";

    private const double MiB = 1024 * 1024;
    private const int WarmupRequests = 50;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(3);

    public static async Task<int> RunAsync(string[] args)
    {
        var settings = BenchSettings.Parse(args);
        var clock = Stopwatch.StartNew();
        using var overall = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        var ct = overall.Token;
        var machine = await MachineInfo.CaptureAsync();
        var bodies = RequestBodies.Load(SharedReference.Locate());
        var defaults = new ProxyOptions();

        var self = typeof(EdgeRunner).Assembly.Location;
        using var client = new BenchClient();
        await using var simulator = ChildProcess.Start("simulator", self, ["simulator"]);
        var upstream = (await simulator.WaitForLineAsync(SimulatorChild.Ready, StartTimeout))[SimulatorChild.Ready.Length..].TrimEnd('/');

        Log(clock, $"chunked bodies: {ChunkedBodyProbe.Clients} x {ChunkedBodyProbe.BodyBytes / 1e6:0} MB, vLLM hanging");
        ChunkedBodyResult chunked;
        await using (var opsbot = await StartWarmAsync(settings, client, simulator, upstream, bodies, ct))
        {
            await SwitchAnswerAsync(simulator, "stall");
            chunked = await ChunkedBodyProbe.RunAsync(opsbot.Process, opsbot.ChatUri, ct);
        }

        Log(clock, $"huge error bodies: {HugeErrorBodyProbe.Requests} x {HugeErrorBodyProbe.ErrorBytes / MiB:0} MiB upstream 500");
        HugeErrorResult errors;
        await using (var opsbot = await StartWarmAsync(settings, client, simulator, upstream, bodies, ct))
        {
            await SwitchAnswerAsync(simulator, SimulatorChild.ErrorPrefix + HugeErrorBodyProbe.ErrorBytes.ToString(CultureInfo.InvariantCulture));
            errors = await HugeErrorBodyProbe.RunAsync(opsbot.Process, opsbot.ChatUri, bodies.OpenClaw, ct);
        }

        var section = Render(machine, defaults, chunked, errors, clock.Elapsed);
        Console.WriteLine();
        Console.WriteLine(section);
        if (settings.ResultsPath is { } path)
        {
            await WriteSectionAsync(path, section, ct);
            Log(clock, $"wrote {path}");
        }

        return 0;
    }

    /// <summary>A fresh opsbot (defaults as shipped), warmed with ordinary OpenClaw requests so JIT and pools are not counted as growth.</summary>
    private static async Task<WarmOpsBot> StartWarmAsync(BenchSettings settings, BenchClient client, ChildProcess simulator, string upstream, RequestBodies bodies, CancellationToken ct)
    {
        await SwitchAnswerAsync(simulator, "fast");
        var port = FreePort.Next(1)[0];
        var process = ChildProcess.Start("opsbot", settings.OpsBotDll, ["--port", port.ToString(CultureInfo.InvariantCulture), "--host", "127.0.0.1", "--vllm-url", upstream]);
        var baseUrl = new Uri($"http://127.0.0.1:{port}");
        await client.WaitHealthyAsync(baseUrl, () => process.HasExited, "opsbot", StartTimeout);
        var chatUri = BenchClient.ChatUri(baseUrl);
        await ClosedLoop.RunAsync(client, chatUri, bodies.OpenClaw, 4, WarmupRequests, TimeSpan.FromSeconds(20), ct);
        await Task.Delay(Settle, ct);
        return new WarmOpsBot(process, chatUri);
    }

    private static string Render(MachineInfo machine, ProxyOptions defaults, ChunkedBodyResult chunked, HugeErrorResult errors, TimeSpan duration)
    {
        var budget = defaults.MaxBufferedRequestBytes / MiB;
        var chunkedGrowth = (chunked.Peak - chunked.Before) / MiB;
        var chunkedLimit = budget + 48;
        var errorGrowth = (errors.Peak - errors.Before) / MiB;
        var md = new StringBuilder();
        md.AppendLine(SectionStart);
        md.AppendLine("## Edge probes (hostile clients and upstreams, issue 11)");
        md.AppendLine();
        md.AppendLine(F($"Measured {machine.StartedUtc} on {machine.CpuModel}, nproc {machine.ProcessorCount}, {machine.Runtime}; load average {machine.LoadAtStart} at start, {MachineInfo.LoadAverage()} at the end; took {duration.TotalSeconds:0} s. ")
            + F($"Each probe runs against a fresh opsbot process (Release, defaults: MaxBufferedRequestBytes {budget:0} MiB, MaxRequestBodyBytes {defaults.MaxRequestBodyBytes / MiB:0} MiB) ")
            + F($"warmed with {WarmupRequests} OpenClaw requests; RSS is opsbot's, sampled every 20 ms and from VmHWM."));
        md.AppendLine();
        md.AppendLine("| probe | RSS before | peak (growth) | after | target | verdict |");
        md.AppendLine("|---|---:|---:|---:|---|---|");
        md.AppendLine(F($"| {ChunkedBodyProbe.Clients} clients x {ChunkedBodyProbe.BodyBytes / 1e6:0} MB chunked bodies, vLLM hanging | {chunked.Before / MiB:0} MiB | {chunked.Peak / MiB:0} MiB (+{chunkedGrowth:0}) | ")
            + F($"{chunked.AfterLeaving / MiB:0} MiB when they left, {chunked.Recovered / MiB:0} MiB {ChunkedBodyProbe.Recovery.TotalSeconds:0} s later | growth ≤ MaxBufferedRequestBytes + 48 = {chunkedLimit:0} MiB | {Verdict(chunkedGrowth <= chunkedLimit)} |"));
        md.AppendLine(F($"| {HugeErrorBodyProbe.Requests} concurrent OpenClaw requests, upstream 500 with a {HugeErrorBodyProbe.ErrorBytes / MiB:0} MiB JSON body | {errors.Before / MiB:0} MiB | {errors.Peak / MiB:0} MiB (+{errorGrowth:0}) | {errors.After / MiB:0} MiB | ")
            + F($"growth ≤ 64 MiB; longest log line ≤ 8 KiB (longest: {errors.LongestLogLine} chars of {errors.LogLines} lines logged) | {Verdict(errorGrowth <= 64 && errors.LongestLogLine <= 8192)} |"));
        md.AppendLine();
        md.AppendLine(F($"Chunked uploads took {chunked.Uploads.TotalSeconds:0.0} s; what the clients got: {string.Join("; ", chunked.Outcomes)}."));
        md.AppendLine(F($"Error bodies: each client got {string.Join("; ", errors.Answers)} (status, bytes relayed)."));
        md.AppendLine(SectionEnd);
        return md.ToString();
    }

    private static async Task WriteSectionAsync(string path, string section, CancellationToken ct)
    {
        var text = File.Exists(path) ? await File.ReadAllTextAsync(path, ct) : string.Empty;
        var start = text.IndexOf(SectionStart, StringComparison.Ordinal);
        var end = text.IndexOf(SectionEnd, StringComparison.Ordinal);
        text = start >= 0 && end > start
            ? text[..start] + section.TrimEnd() + text[(end + SectionEnd.Length)..]
            : text.TrimEnd() + Environment.NewLine + Environment.NewLine + section;
        await File.WriteAllTextAsync(path, text, ct);
    }

    private static async Task SwitchAnswerAsync(ChildProcess simulator, string answer)
    {
        await simulator.SendLineAsync(answer);
        await simulator.WaitForLineAsync(SimulatorChild.Acknowledged + answer, TimeSpan.FromSeconds(30));
    }

    private static string Verdict(bool met) => met ? "PASS" : "FAIL";

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static void Log(Stopwatch clock, string message) => Console.Error.WriteLine($"[{clock.Elapsed.TotalSeconds,6:0.0}s] {message}");

    private sealed record WarmOpsBot(ChildProcess Process, Uri ChatUri) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Process.DisposeAsync();
    }
}
