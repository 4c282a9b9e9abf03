using OpsBot.Bench.Hosts;

namespace OpsBot.Bench.Edge;

/// <summary>
/// Samples a process's RSS every few milliseconds while a probe runs. The kernel's own peak (VmHWM, reset before
/// the probe) catches what falls between samples; the samples give the curve's shape for the report.
/// </summary>
internal sealed class RssSampler : IAsyncDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(20);

    private readonly int _pid;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _max;

    private RssSampler(int pid)
    {
        _pid = pid;
        Before = ProcMemory.Read(pid).Rss;
        PeakWasReset = ProcMemory.ResetPeak(pid);
        _max = Before;
        _loop = Task.Run(LoopAsync);
    }

    public long Before { get; }

    public bool PeakWasReset { get; }

    /// <summary>The higher of the sampled maximum and the kernel's peak since the start.</summary>
    public long Peak => Math.Max(Interlocked.Read(ref _max), PeakWasReset ? ProcMemory.Read(_pid).PeakRss : 0);

    public static RssSampler Start(int pid) => new(pid);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }

    private async Task LoopAsync()
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                var rss = ProcMemory.Read(_pid).Rss;
                if (rss > Interlocked.Read(ref _max))
                {
                    Interlocked.Exchange(ref _max, rss);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
