namespace OpsBot.ProxyCore.Tests;

/// <summary>
/// Locates the shared reference material (<c>shared/reference</c>: vLLM fixtures, OpenClaw captures,
/// Discord payloads). Order: <c>OPSBOT_SHARED_DIR</c> (the <c>shared</c> folder or its <c>reference</c>
/// folder), then walking up from the test binaries to a folder holding <c>shared/reference</c>
/// (CI clones the repo to X/main with shared at X/shared; worktrees sit beside it the same way).
/// </summary>
public static class SharedReference
{
    public const string EnvironmentVariable = "OPSBOT_SHARED_DIR";

    private static readonly Lazy<string> LazyRoot = new(Locate);

    /// <summary>Absolute path of the <c>reference</c> folder.</summary>
    public static string Root => LazyRoot.Value;

    public static string VllmFixturesDirectory => Path.Combine(Root, "vllm", "fixtures");

    public static string VllmFixture(string fileName) => Path.Combine(VllmFixturesDirectory, fileName);

    public static string ReadVllmFixture(string fileName) => File.ReadAllText(VllmFixture(fileName));

    /// <summary>Real OpenClaw request captures.</summary>
    public static string OpenClaw => Path.Combine(Root, "openclaw");

    private static string Locate()
    {
        var configured = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            foreach (var candidate in new[] { Path.Combine(configured, "reference"), configured })
            {
                if (Directory.Exists(Path.Combine(candidate, "vllm")))
                {
                    return Path.GetFullPath(candidate);
                }
            }

            throw new DirectoryNotFoundException(
                $"{EnvironmentVariable}='{configured}' holds neither reference/vllm nor vllm.");
        }

        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "shared", "reference");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException(
            $"No shared/reference above {AppContext.BaseDirectory}; set {EnvironmentVariable} to the shared folder.");
    }
}
