using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace OpsBot.Bench.Report;

/// <summary>What the numbers were measured on; load average matters on a shared 2-core box.</summary>
internal sealed record MachineInfo(int ProcessorCount, string CpuModel, string SdkVersion, string Runtime, string Os, string StartedUtc, string LoadAtStart)
{
    public static async Task<MachineInfo> CaptureAsync() => new(
        Environment.ProcessorCount,
        ReadCpuModel(),
        await SdkVersionAsync(),
        RuntimeInformation.FrameworkDescription,
        RuntimeInformation.OSDescription,
        DateTimeOffset.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture),
        LoadAverage());

    /// <summary>1/5/15-minute load averages from /proc/loadavg.</summary>
    public static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "?";
        }
    }

    private static string ReadCpuModel()
    {
        try
        {
            return File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?";
        }
        catch (IOException)
        {
            return "?";
        }
    }

    private static async Task<string> SdkVersionAsync()
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("dotnet", "--version") { RedirectStandardOutput = true, UseShellExecute = false })!;
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            var output = await process.StandardOutput.ReadToEndAsync(timeout.Token);
            await process.WaitForExitAsync(timeout.Token);
            return output.Trim();
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or OperationCanceledException)
        {
            return "?";
        }
    }
}
