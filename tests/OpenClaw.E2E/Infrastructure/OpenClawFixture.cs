using System.Diagnostics;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace OpsBot.OpenClaw.E2E.Infrastructure;

/// <summary>
/// Installs (or finds in the cache) node 24 and the OpenClaw releases once for the whole collection and checks
/// that the sandbox can be made. Any failure here fails every test with the reason: CI must not go green
/// without having run the real CLI.
/// </summary>
public sealed class OpenClawFixture : IAsyncLifetime
{
    private readonly IMessageSink _diagnostics;
    private OpenClawInstallation? _installation;

    public OpenClawFixture(IMessageSink diagnostics) => _diagnostics = diagnostics;

    public RepositoryLayout Layout { get; } = RepositoryLayout.Discover();

    public OpenClawInstallation Installation =>
        _installation ?? throw new InvalidOperationException("OpenClaw is not installed (the fixture was skipped).");

    public async Task InitializeAsync()
    {
        if (OpenClawEnvironment.SkipRequested)
        {
            return;
        }

        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(20));
        var stopwatch = Stopwatch.StartNew();
        _installation = await OpenClawInstaller.InstallAsync(Layout, OpenClawEnvironment.Versions, limit.Token);
        _diagnostics.OnMessage(new DiagnosticMessage(
            $"OpenClaw {string.Join(", ", _installation.Releases)} ready in {stopwatch.Elapsed.TotalSeconds:F1} s " +
            $"(cache {_installation.CacheRoot})"));
        await EnsureSandboxWorksAsync(limit.Token);
    }

    private static async Task EnsureSandboxWorksAsync(CancellationToken cancellationToken)
    {
        var probe = new ProcessStartInfo("unshare");
        foreach (var argument in new[] { "-n", "-m", "sh", "-c", "ip link set lo up && mount --make-rprivate /" })
        {
            probe.ArgumentList.Add(argument);
        }

        var result = await ProcessRunner.RunAsync(probe, TimeSpan.FromSeconds(10), cancellationToken);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException(
                "OpenClaw runs inside `unshare -n -m` (private /tmp, loopback-only network), which failed here " +
                $"(exit {result.ExitCode}): {result.Stderr.Trim()}. It needs root (as in CI) and iproute2; " +
                $"a developer without them may set {OpenClawEnvironment.SkipVariable}=1.");
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;
}
