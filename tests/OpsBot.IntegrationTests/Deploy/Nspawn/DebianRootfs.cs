using OpsBot.IntegrationTests.Infrastructure;

namespace OpsBot.IntegrationTests.Deploy.Nspawn;

/// <summary>
/// The Debian 12 tree the container boots, from <c>scripts/debian-rootfs.sh</c>: it owns how the tree is built and
/// cached (a second, when cached; minutes of debootstrap otherwise), so scripts/test.sh and this test share it.
/// </summary>
public static class DebianRootfs
{
    public static async Task<string> EnsureAsync(TimeSpan limit)
    {
        var script = Path.Combine(RepositoryPaths.Root, "scripts", "debian-rootfs.sh");
        var (code, stdout, stderr) = await ProcessRunner.RunAsync("bash", [script], limit);
        if (code != 0)
        {
            throw new InvalidOperationException($"scripts/debian-rootfs.sh exited {code}:{Environment.NewLine}{stderr}{stdout}");
        }

        var line = stdout.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.StartsWith("ROOTFS=", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"scripts/debian-rootfs.sh printed no ROOTFS=...:{Environment.NewLine}{stdout}");
        return line["ROOTFS=".Length..];
    }
}
