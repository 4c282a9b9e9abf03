using System.Diagnostics;
using System.Text.Json;
using OpsBot.ProxyCore.ToolCalls;
using OpsBot.ProxyCore.Proxy.Chat;
using OpsBot.ProxyCore.Proxy.RequestBodies;
using OpsBot.ProxyCore.Proxy.Sse;
using OpsBot.ProxyCore.Proxy.Upstream;

namespace OpsBot.Bench.Diagnose;

/// <summary>
/// Runs the proxy's per-request steps for a tools request (buffer mode) one by one on this thread and counts
/// what each allocates (<see cref="GC.GetAllocatedBytesForCurrentThread"/>) and the thread CPU time it takes.
/// Pooled buffers (JsonDocument's metadata) do not show up here once warm: they cost memory, not allocations.
/// </summary>
internal static class HotPathProbe
{
    public static IReadOnlyList<StageCost> Run(byte[] smallBody, byte[] largeBody, byte[] upstreamAnswer)
    {
        var costs = new List<StageCost>();
        foreach (var (label, body, iterations) in new[] { ("48 KB", smallBody, 300), ("1 MiB", largeBody, 20) })
        {
            // RequestBodyReader is internal; it reads a known Content-Length into one buffer from the shared pool.
            costs.Add(Measure(label, "RequestBodyReader (ArrayPool rent + return)", iterations,
                () => System.Buffers.ArrayPool<byte>.Shared.Return(System.Buffers.ArrayPool<byte>.Shared.Rent(body.Length))));
            costs.Add(Measure(label, "JsonDocument.Parse(request)", iterations, () => JsonDocument.Parse(body).Dispose()));
            using var document = JsonDocument.Parse(body);
            // With the tool-catalog cache warm, as in a running proxy (OpenClaw repeats its tools on every request).
            var catalogs = new ToolCatalogCache();
            costs.Add(Measure(label, "ChatRequest.TryParse (tool catalog cached)", iterations, () => ChatRequest.TryParse(document, out _, catalogs)));
            costs.Add(Measure(label, "UpstreamBodyWriter.Analyze", iterations, () => UpstreamBodyWriter.Analyze(document.RootElement, stream: true)));
            var report = UpstreamBodyWriter.Analyze(document.RootElement, stream: true);
            var spliced = UpstreamBodyWriter.Write(document.RootElement, body, stream: false, report: report);
            costs.Add(Measure(label, F($"UpstreamBodyWriter.Write, buffer mode ({body.Length} B in, {spliced.Length} B out in {spliced.Segments.Count} slices)"), iterations,
                () => UpstreamBodyWriter.Write(document.RootElement, body, stream: false, report: report)));
            costs.Add(Measure(label, "UpstreamBodyWriter.Write, stream mode (forceUsage)", iterations,
                () => UpstreamBodyWriter.Write(document.RootElement, body, stream: true, forceUsage: true, report: report)));
            // What a request whose messages need rewriting (developer role, bad history arguments) pays: a copy.
            costs.Add(Measure(label, "UpstreamBodyWriter.Write, copying (messages rewritten)", iterations,
                () => UpstreamBodyWriter.Write(document.RootElement, ReadOnlyMemory<byte>.Empty, stream: false)));
        }

        using var request = JsonDocument.Parse(smallBody);
        var tools = ChatRequest.TryParse(request, out _)!.Tools;
        costs.Add(Measure("answer", "JsonDocument.Parse(vLLM answer)", 2000, () => JsonDocument.Parse(upstreamAnswer).Dispose()));
        using var answer = JsonDocument.Parse(upstreamAnswer);
        costs.Add(Measure("answer", "UpstreamCompletion.Read", 2000, () => UpstreamCompletion.Read(answer.RootElement, tools)));
        var completion = UpstreamCompletion.Read(answer.RootElement, tools);
        costs.Add(Measure("answer", "SseRewrapper.WriteAsync", 2000, () => SseRewrapper.WriteAsync(Stream.Null, completion, TimeProvider.System, CancellationToken.None).GetAwaiter().GetResult()));
        return costs;
    }

    private static string F(FormattableString text) => text.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static StageCost Measure(string body, string stage, int iterations, Action step)
    {
        for (var i = 0; i < Math.Max(3, iterations / 10); i++)
        {
            step();
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var cpu = ThreadCpuClock.Now();
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < iterations; i++)
        {
            step();
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        return new StageCost(body, stage, (double)(GC.GetAllocatedBytesForCurrentThread() - allocated) / iterations,
            (ThreadCpuClock.Now() - cpu).TotalMicroseconds / iterations, elapsed.TotalMicroseconds / iterations);
    }
}
