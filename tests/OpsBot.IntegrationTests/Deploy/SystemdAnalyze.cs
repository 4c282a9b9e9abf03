using System.Diagnostics;

namespace OpsBot.IntegrationTests.Deploy;

/// <summary>
/// Runs <c>systemd-analyze verify --user</c> on a copy of a unit in a throwaway home, so <c>%h</c> paths
/// resolve and the ExecStart binary exists. Works where systemd is not PID 1 (containers, CI):
/// it needs only the Debian package <c>systemd</c>.
/// </summary>
public static class SystemdAnalyze
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public static async Task<(int ExitCode, string Output)> VerifyUserUnitAsync(string unitText)
    {
        var executable = new[] { "/usr/bin/systemd-analyze", "/bin/systemd-analyze" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("systemd-analyze not found: install the Debian package 'systemd' (apt-get install systemd)");
        var root = Directory.CreateTempSubdirectory("opsbot-unit-");
        try
        {
            var home = Directory.CreateDirectory(Path.Combine(root.FullName, "home")).FullName;
            var runtime = Directory.CreateDirectory(Path.Combine(root.FullName, "run"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute).FullName;
            var binary = Path.Combine(home, ".local", "opt", "opsbot", "opsbot");
            Directory.CreateDirectory(Path.GetDirectoryName(binary)!);
            await File.WriteAllTextAsync(binary, "#!/bin/sh\nexit 0\n");
            File.SetUnixFileMode(binary, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var unit = Path.Combine(root.FullName, "opsbot.service");
            await File.WriteAllTextAsync(unit, unitText);

            var start = new ProcessStartInfo(executable)
            {
                ArgumentList = { "verify", "--user", unit },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = root.FullName,
            };
            start.Environment["HOME"] = home;
            start.Environment["XDG_RUNTIME_DIR"] = runtime;
            start.Environment["SYSTEMD_PAGER"] = "";
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(Timeout);
            await process.WaitForExitAsync(timeout.Token);
            return (process.ExitCode, (await stdout + await stderr).Trim());
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }
}
