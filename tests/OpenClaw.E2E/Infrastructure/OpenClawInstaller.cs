using System.Diagnostics;

namespace OpsBot.OpenClaw.E2E.Infrastructure;

/// <summary>
/// Runs <c>scripts/install-openclaw.sh</c> (a no-op taking a second when the cache is warm) and reads the paths it
/// prints. The script, not the tests, owns how OpenClaw is installed, so CI and developers get the same thing.
/// </summary>
public static class OpenClawInstaller
{
    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(15);

    public static async Task<OpenClawInstallation> InstallAsync(
        RepositoryLayout layout, IReadOnlyList<string> versions, CancellationToken cancellationToken)
    {
        var cache = Environment.GetEnvironmentVariable(OpenClawEnvironment.CacheVariable) is { Length: > 0 } custom
            ? Path.GetFullPath(custom)
            : layout.DefaultOpenClawCache;

        var startInfo = new ProcessStartInfo("bash") { WorkingDirectory = layout.Root };
        startInfo.ArgumentList.Add(layout.InstallScript);
        foreach (var version in versions)
        {
            startInfo.ArgumentList.Add(version);
        }

        startInfo.Environment[OpenClawEnvironment.CacheVariable] = cache;
        var result = await ProcessRunner.RunAsync(startInfo, InstallTimeout, cancellationToken);
        if (result.ExitCode != 0 || result.TimedOut)
        {
            throw new InvalidOperationException(
                $"scripts/install-openclaw.sh {string.Join(' ', versions)} failed " +
                $"({(result.TimedOut ? "timed out" : $"exit code {result.ExitCode}")} after {result.Elapsed.TotalSeconds:F0} s). " +
                $"The real OpenClaw CLI is required for these tests (a developer may set {OpenClawEnvironment.SkipVariable}=1 " +
                $"to skip them locally; CI never skips).{Environment.NewLine}{result.Stderr}{result.Stdout}");
        }

        var values = result.Stdout
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split('=', 2))
            .Where(parts => parts.Length == 2)
            .ToDictionary(parts => parts[0], parts => parts[1]);

        string Value(string key) => values.TryGetValue(key, out var value)
            ? value
            : throw new InvalidOperationException($"install-openclaw.sh printed no {key}=...; output:{Environment.NewLine}{result.Stdout}");

        var releases = versions
            .Select(v => new OpenClawRelease(v, Value(KeyFor(v, "BIN")), Value(KeyFor(v, "HOME"))))
            .ToList();
        return new OpenClawInstallation(cache, Value("NODE_BIN"), releases);
    }

    private static string KeyFor(string version, string suffix) =>
        $"OPENCLAW_{version.Replace('.', '_').Replace('-', '_')}_{suffix}";
}
