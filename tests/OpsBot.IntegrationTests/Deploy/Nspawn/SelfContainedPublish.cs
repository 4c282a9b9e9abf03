using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using OpsBot.IntegrationTests.Infrastructure;

namespace OpsBot.IntegrationTests.Deploy.Nspawn;

/// <summary>
/// Publishes a project the way docs/deploy.md does (<see cref="Arguments"/>), into <c>.cache/deploy-test/</c>,
/// once per content of its inputs: a rerun with unchanged sources reuses the folder instead of spending minutes.
/// </summary>
/// <remarks>
/// Intermediate files go to a separate <c>--artifacts-path</c>, so publishing never rewrites the bin/obj folders
/// of the solution whose tests are running.
/// </remarks>
public static class SelfContainedPublish
{
    /// <summary>The publish options of docs/deploy.md, step 1 (after the project, before <c>-o</c>).</summary>
    public const string Arguments = "-c Release -r linux-x64 --self-contained";

    /// <summary>What every build reads besides the project's own folder.</summary>
    private static readonly string[] SharedInputs = ["Directory.Build.props", "Directory.Packages.props", "global.json", "NuGet.config", "nuget.config"];

    public static string CacheRoot => Path.Combine(RepositoryPaths.Root, ".cache", "deploy-test");

    /// <param name="name">Folder name prefix in the cache, e.g. <c>opsbot</c>.</param>
    /// <param name="project">The project folder, relative to the repository.</param>
    /// <param name="inputs">Folders and files (relative to the repository) whose content decides whether to publish again.</param>
    public static async Task<string> PublishAsync(string name, string project, IReadOnlyList<string> inputs, TimeSpan limit)
    {
        var output = Path.Combine(CacheRoot, $"{name}-{InputHash([project, .. inputs, .. SharedInputs])}");
        var done = Path.Combine(output, ".published");
        if (File.Exists(done))
        {
            return output;
        }

        if (Directory.Exists(output))
        {
            Directory.Delete(output, recursive: true);
        }

        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = RepositoryPaths.Root };
        foreach (var arg in new[] { "publish", project }.Concat(Arguments.Split(' ')).Concat(["-o", output, "--artifacts-path", Path.Combine(CacheRoot, "build", name), "--disable-build-servers", "-nologo"]))
        {
            info.ArgumentList.Add(arg);
        }

        // `dotnet test` hands MSBuild settings of its own build to child processes; a nested build must not inherit them.
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            info.Environment.Remove(key);
        }

        var (code, stdout, stderr) = await ProcessRunner.RunAsync(info, limit);
        if (code != 0)
        {
            throw new InvalidOperationException($"dotnet publish {project} {Arguments} exited {code}:{Environment.NewLine}{stdout}{stderr}");
        }

        await File.WriteAllTextAsync(done, "");
        foreach (var stale in Directory.EnumerateDirectories(CacheRoot, name + "-*").Where(d => d != output))
        {
            Directory.Delete(stale, recursive: true);
        }

        return output;
    }

    /// <summary>SHA-256 over the relative path and content of every file under the inputs (bin and obj excluded).</summary>
    private static string InputHash(IEnumerable<string> inputs)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var files = inputs
            .Select(i => Path.Combine(RepositoryPaths.Root, i))
            .SelectMany(p => Directory.Exists(p) ? Directory.EnumerateFiles(p, "*", SearchOption.AllDirectories) : File.Exists(p) ? [p] : [])
            .Select(p => Path.GetRelativePath(RepositoryPaths.Root, p))
            .Where(p => !p.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"))
            .Distinct()
            .Order(StringComparer.Ordinal);
        foreach (var file in files)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(file + "\0"));
            hash.AppendData(File.ReadAllBytes(Path.Combine(RepositoryPaths.Root, file)));
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset())[..12];
    }
}
