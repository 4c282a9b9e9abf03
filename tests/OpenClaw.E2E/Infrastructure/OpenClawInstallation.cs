namespace OpsBot.OpenClaw.E2E.Infrastructure;

/// <summary>The result of <c>scripts/install-openclaw.sh</c>: node 24 plus one or more OpenClaw releases.</summary>
public sealed record OpenClawInstallation(string CacheRoot, string NodeBin, IReadOnlyList<OpenClawRelease> Releases)
{
    public OpenClawRelease Release(string version) =>
        Releases.SingleOrDefault(r => r.Version == version)
        ?? throw new InvalidOperationException(
            $"OpenClaw {version} is not installed (installed: {string.Join(", ", Releases)}); see {OpenClawEnvironment.VersionsVariable}.");
}
