namespace OpsBot.IntegrationTests.Deploy;

/// <summary>Finds the repository and the built opsbot next to the tests, whichever configuration was built.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string UnitFile => Path.Combine(Root, "deploy", "opsbot.service");

    /// <summary>The configuration these tests were built in (Debug, Release), from their own output path.</summary>
    public static string Configuration { get; } =
        new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent?.Name ?? "Debug";

    public static string OpsBotDll
    {
        get
        {
            var built = Path.Combine(Root, "src", "OpsBot", "bin", Configuration, "net10.0", "opsbot.dll");
            return File.Exists(built) ? built : Path.Combine(AppContext.BaseDirectory, "opsbot.dll");
        }
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OpsBot.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"OpsBot.sln not found above {AppContext.BaseDirectory}");
    }
}
