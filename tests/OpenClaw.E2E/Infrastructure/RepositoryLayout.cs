namespace OpsBot.OpenClaw.E2E.Infrastructure;

/// <summary>Where the repository, its scripts and the built <c>opsbot</c> executable are, seen from the test binaries.</summary>
public sealed record RepositoryLayout(string Root, string Configuration)
{
    public string InstallScript => Path.Combine(Root, "scripts", "install-openclaw.sh");

    /// <summary>The proxy exactly as users run it: the OpsBot project's own build output, not a copy in the test folder.</summary>
    public string OpsBotDll => Path.Combine(Root, "src", "OpsBot", "bin", Configuration, "net10.0", "opsbot.dll");

    public string DefaultOpenClawCache => Path.Combine(Root, ".cache", "openclaw");

    public static RepositoryLayout Discover()
    {
        var baseDir = new DirectoryInfo(AppContext.BaseDirectory);
        var root = baseDir;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "OpsBot.sln")))
        {
            root = root.Parent;
        }

        if (root is null)
        {
            throw new InvalidOperationException($"OpsBot.sln not found above {AppContext.BaseDirectory}");
        }

        // Test binaries live in tests/OpenClaw.E2E/bin/<Configuration>/net10.0/.
        var configuration = baseDir.Parent?.Parent?.Name is "bin" ? baseDir.Parent!.Name : "Debug";
        return new RepositoryLayout(root.FullName, configuration);
    }
}
