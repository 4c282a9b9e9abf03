using System.Runtime.InteropServices;

namespace OpsBot.Bench.Diagnose;

/// <summary>
/// CPU time of the calling OS thread (CLOCK_THREAD_CPUTIME_ID, nanosecond resolution). On a shared box wall
/// time mostly measures the other tenants; CPU time measures the code.
/// </summary>
internal static class ThreadCpuClock
{
    private const int ClockThreadCpuTime = 3;

    public static TimeSpan Now()
    {
        if (clock_gettime(ClockThreadCpuTime, out var time) != 0)
        {
            throw new InvalidOperationException("clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed.");
        }

        return TimeSpan.FromTicks(time.Seconds * TimeSpan.TicksPerSecond + time.Nanoseconds / 100);
    }

    // DllImport rather than LibraryImport: the latter needs AllowUnsafeBlocks for one blittable out struct.
    [DllImport("libc")]
    private static extern int clock_gettime(int clockId, out TimeSpec time);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
