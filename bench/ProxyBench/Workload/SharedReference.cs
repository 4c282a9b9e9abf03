namespace OpsBot.Bench.Workload;

/// <summary>
/// Finds <c>shared/reference</c> the way the test projects do: beside the repository (X/main + X/shared),
/// or wherever <c>OPSBOT_SHARED_DIR</c> points.
/// </summary>
internal static class SharedReference
{
    public static string Locate()
    {
        if (Environment.GetEnvironmentVariable("OPSBOT_SHARED_DIR") is { Length: > 0 } configured)
        {
            var candidate = Path.Combine(configured, "reference");
            return Directory.Exists(candidate) ? candidate : configured;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "reference");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException(
            $"shared/reference not found above {AppContext.BaseDirectory}; set OPSBOT_SHARED_DIR to the folder that holds reference/.");
    }
}
