using System.Diagnostics;

namespace OpsBot.Bench.Load;

/// <summary>
/// <paramref name="concurrency"/> workers each sending the next request as soon as the previous one has been
/// read to the end, until <c>maxRequests</c> were started or <c>maxDuration</c> passed (both bound the loop).
/// </summary>
internal static class ClosedLoop
{
    public static async Task<LoadResult> RunAsync(BenchClient client, Uri chatUri, byte[] body, int concurrency, int maxRequests, TimeSpan maxDuration, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var issued = 0;
        var perWorker = new List<double>[concurrency];

        async Task WorkerAsync(int worker)
        {
            var latencies = perWorker[worker] = new List<double>(Math.Min(maxRequests, 4096));
            while (Interlocked.Increment(ref issued) <= maxRequests && Stopwatch.GetElapsedTime(started) < maxDuration)
            {
                var sent = Stopwatch.GetTimestamp();
                await client.CompleteAsync(chatUri, body, cancellationToken);
                latencies.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
            }
        }

        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(w => Task.Run(() => WorkerAsync(w), cancellationToken)));
        return new LoadResult([.. perWorker.SelectMany(l => l)], Stopwatch.GetElapsedTime(started));
    }
}
