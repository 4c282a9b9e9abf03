using System.Diagnostics;
using OpsBot.Bench.Hosts;

namespace OpsBot.Bench.Edge;

/// <summary>
/// Issue 11's first probe: <see cref="Clients"/> clients each upload a <see cref="BodyBytes"/> chat body chunked (no
/// Content-Length) while vLLM hangs. Measures opsbot's RSS growth while they upload, right after they leave and
/// <see cref="Recovery"/> later. Before the fix chunked bodies skipped the budget: RSS 83 → 799 MiB, 823 MiB 30 s on.
/// </summary>
internal static class ChunkedBodyProbe
{
    public const int Clients = 12;
    public const long BodyBytes = 70_000_000;
    public static readonly TimeSpan Recovery = TimeSpan.FromSeconds(30);

    public static async Task<ChunkedBodyResult> RunAsync(ChildProcess opsbot, Uri chatUri, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        IReadOnlyList<string> outcomes;
        long peak, before;
        await using (var sampler = RssSampler.Start(opsbot.Id))
        {
            before = sampler.Before;
            outcomes = await Task.WhenAll(Enumerable.Range(0, Clients).Select(_ => ChunkedUpload.SendAsync(chatUri, BodyBytes, cancellationToken)));
            peak = sampler.Peak;
        }

        var uploads = clock.Elapsed;
        var afterLeaving = ProcMemory.Read(opsbot.Id).Rss;
        await Task.Delay(Recovery, cancellationToken);
        var recovered = ProcMemory.Read(opsbot.Id).Rss;
        return new ChunkedBodyResult(before, peak, afterLeaving, recovered, uploads,
            outcomes.GroupBy(o => o).OrderByDescending(g => g.Count()).Select(g => $"{g.Count()} × {g.Key}").ToArray());
    }
}

internal sealed record ChunkedBodyResult(long Before, long Peak, long AfterLeaving, long Recovered, TimeSpan Uploads, IReadOnlyList<string> Outcomes);
