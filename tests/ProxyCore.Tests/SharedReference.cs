namespace OpsBot.ProxyCore.Tests;

/// <summary>
/// Finds <c>shared/reference</c>: beside the repository in CI (X/main + X/shared), or wherever
/// <c>OPSBOT_SHARED_DIR</c> points.
/// </summary>
public static class SharedReference
{
    private static readonly Lazy<string> Root = new(Locate);

    public static string Directory => Root.Value;

    public static string VllmFixtures => Path.Combine(Directory, "vllm", "fixtures");

    public static string OpenClaw => Path.Combine(Directory, "openclaw");

    public static string ReadFixture(string name) => File.ReadAllText(Path.Combine(VllmFixtures, name));

    private static string Locate()
    {
        if (Environment.GetEnvironmentVariable("OPSBOT_SHARED_DIR") is { Length: > 0 } configured)
        {
            var candidate = Path.Combine(configured, "reference");
            return System.IO.Directory.Exists(candidate) ? candidate : configured;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "reference");
            if (System.IO.Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException(
            $"shared/reference not found above {AppContext.BaseDirectory}; set OPSBOT_SHARED_DIR to the folder that holds reference/.");
    }
}
