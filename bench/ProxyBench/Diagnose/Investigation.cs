using System.Text.Json;
using OpsBot.Bench.Hosts;
using OpsBot.Bench.Load;
using OpsBot.Bench.Workload;
using OpsBot.ProxyCore.Proxy;
using OpsBot.ProxyCore.Proxy.Upstream;

namespace OpsBot.Bench.Diagnose;

/// <summary>
/// Measures where the proxy's time and memory go: the hot steps in-process, then the proxy in its own
/// process with allocation sampling, under server GC and workstation GC (as opsbot ships).
/// </summary>
internal static class Investigation
{
    public static async Task<Diagnosis> RunAsync(BenchClient client, BenchSettings settings, RequestBodies bodies, Uri simulatorUrl, string benchDll, CancellationToken ct)
    {
        // The answer buffer mode asks vLLM for: the same request with stream:false.
        using var request = JsonDocument.Parse(bodies.OpenClaw);
        var nonStreaming = UpstreamBodyWriter.Write(request.RootElement, bodies.OpenClaw, stream: false).ToArray();
        var answer = await client.PostForBytesAsync(BenchClient.ChatUri(simulatorUrl), nonStreaming, ct);
        var stages = HotPathProbe.Run(bodies.OpenClaw, bodies.OneMebibyte, answer);

        (string Label, ToolStreamingMode Mode, bool ServerGc)[] configurations =
        [
            ("buffer", ToolStreamingMode.Buffer, true),
            ("stream", ToolStreamingMode.Stream, true),
            ("stream", ToolStreamingMode.Stream, false),
        ];
        var runs = new List<InstrumentedRun>();
        foreach (var (label, mode, serverGc) in configurations)
        {
            runs.Add(await RunInstrumentedAsync(client, settings, bodies, simulatorUrl, benchDll, label, mode, serverGc, ct));
        }

        return new Diagnosis(stages, runs);
    }

    private static async Task<InstrumentedRun> RunInstrumentedAsync(BenchClient client, BenchSettings settings, RequestBodies bodies, Uri simulatorUrl, string benchDll,
        string label, ToolStreamingMode mode, bool serverGc, CancellationToken ct)
    {
        string[] arguments = ["proxy-host", "--vllm-url", simulatorUrl.ToString().TrimEnd('/'), "--mode", mode.ToString()];
        await using var proxy = ChildProcess.Start(label, benchDll, arguments, new Dictionary<string, string> { ["DOTNET_gcServer"] = serverGc ? "1" : "0" });
        var baseUrl = new Uri((await proxy.WaitForLineAsync(InstrumentedProxyChild.Ready, TimeSpan.FromSeconds(90)))[InstrumentedProxyChild.Ready.Length..]);
        var chat = BenchClient.ChatUri(baseUrl);
        await ClosedLoop.RunAsync(client, chat, bodies.OpenClaw, 1, settings.WarmupRequests / 2, settings.WarmupCap, ct);

        var small = await MeasureAsync(client, proxy, baseUrl, "48 KB OpenClaw body", bodies.OpenClaw, 1, settings.DiagnoseRequests, settings.DiagnoseCap, ct);
        var large = await MeasureAsync(client, proxy, baseUrl, "1 MiB body", bodies.OneMebibyte, settings.RssConcurrency, settings.DiagnoseLargeRequests, settings.DiagnoseCap, ct);
        return new InstrumentedRun(label, small, large);
    }

    private static async Task<ProcessGcRun> MeasureAsync(BenchClient client, ChildProcess proxy, Uri baseUrl, string workload, byte[] body, int concurrency, int requests, TimeSpan cap, CancellationToken ct)
    {
        var gc = new Uri(baseUrl, "/bench/gc");
        await client.PostAsync(new Uri(baseUrl, "/bench/gc/reset"), ct);
        ProcMemory.ResetPeak(proxy.Id);
        var before = await client.GetJsonAsync<GcSnapshot>(gc, ct);
        var cpu = proxy.CpuTime;
        var load = await ClosedLoop.RunAsync(client, BenchClient.ChatUri(baseUrl), body, concurrency, requests, cap, ct);
        var cpuUsed = proxy.CpuTime - cpu;
        var after = await client.GetJsonAsync<GcSnapshot>(gc, ct);
        return new ProcessGcRun(workload, load, concurrency, before, after, proxy.Memory.PeakRss, cpuUsed);
    }
}
