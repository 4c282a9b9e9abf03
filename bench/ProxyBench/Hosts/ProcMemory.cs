namespace OpsBot.Bench.Hosts;

/// <summary>Resident memory of a process from <c>/proc/PID/status</c>, in bytes.</summary>
internal sealed record ProcMemory(long Rss, long PeakRss)
{
    public static ProcMemory Read(int pid)
    {
        long rss = 0, peak = 0;
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal)) rss = Kilobytes(line);
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal)) peak = Kilobytes(line);
        }

        return new ProcMemory(rss, peak);
    }

    /// <summary>
    /// Resets VmHWM to the current RSS (<c>clear_refs</c> value 5), so a phase's peak is not the
    /// leftover of an earlier one. False when the kernel or container does not allow it.
    /// </summary>
    public static bool ResetPeak(int pid)
    {
        try
        {
            File.WriteAllText($"/proc/{pid}/clear_refs", "5");
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static long Kilobytes(string line) =>
        long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), System.Globalization.CultureInfo.InvariantCulture) * 1024;
}
