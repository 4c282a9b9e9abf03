using Microsoft.Extensions.Options;
using OpsBot.Hosting;

namespace OpsBot.Ops.Configuration;

/// <summary>One bound target and the configuration key it came from (<c>Ops:Gateway</c> or <c>Ops:Gateways:1</c>).</summary>
public sealed record BoundTarget<T>(T Options, string Path);

/// <summary>
/// Binds a section that holds either one target as flat keys or a list of named targets, collecting every problem as a
/// line naming its key (the entry's own problems, a missing, malformed or repeated name, both forms at once).
/// </summary>
public static class OpsTargetBinder
{
    /// <param name="flatSection">The one-target form, e.g. <c>Ops:Gateway</c>: bound as one target named <see cref="OpsTargets.DefaultName"/>
    /// unless it sets <c>Name</c>.</param>
    /// <param name="listSection">The list form, e.g. <c>Ops:Gateways</c>; its children <c>0</c>, <c>1</c>, … are the targets. May equal
    /// <paramref name="flatSection"/>: then the numbered children are the list and the others the flat keys.</param>
    /// <param name="validator">The entry's validator, given the entry's key for its messages.</param>
    /// <param name="requiredKey">A key every list entry must set (<c>Host</c> for a gateway), or null.</param>
    /// <returns>The targets (one unconfigured default target when there are problems) and the problems.</returns>
    public static (IReadOnlyList<BoundTarget<T>> Targets, IReadOnlyList<string> Problems) Bind<T>(
        IConfiguration configuration, string flatSection, string listSection, Func<string, IValidateOptions<T>> validator, string? requiredKey)
        where T : class, IOpsTarget, new()
    {
        var entries = configuration.GetSection(listSection).GetChildren()
            .Where(c => int.TryParse(c.Key, out _))
            .OrderBy(c => int.Parse(c.Key, System.Globalization.CultureInfo.InvariantCulture))
            .ToList();
        if (entries.Count == 0)
        {
            var (value, problems) = ConfigurationCheck.Bind(configuration, flatSection, validator(flatSection));
            var flatName = configuration[$"{flatSection}:{nameof(IOpsTarget.Name)}"];
            var named = string.IsNullOrEmpty(flatName) ? [] : NameProblems(flatSection, flatName, []);
            return Result(new BoundTarget<T>(value, flatSection), [.. problems, .. named]);
        }

        var flatKey = configuration.GetSection(flatSection).GetChildren().FirstOrDefault(c => !int.TryParse(c.Key, out _));
        if (flatKey is not null)
        {
            return Result(new BoundTarget<T>(new T(), flatSection), [
                $"{flatKey.Path} and {entries[0].Path} are both set: configure one target with the flat keys under {flatSection}, "
                + $"or several as the list {listSection}:0:Name, {listSection}:1:Name, …, not both."]);
        }

        var targets = new List<BoundTarget<T>>();
        var all = new List<string>();
        var seen = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in entries)
        {
            var (value, problems) = ConfigurationCheck.Bind(configuration, entry.Path, validator(entry.Path));
            all.AddRange(problems);
            if (requiredKey is not null && string.IsNullOrWhiteSpace(entry[requiredKey]))
            {
                all.Add($"{entry.Path}:{requiredKey} is required for each entry of {listSection}.");
            }

            var entryName = entry[nameof(IOpsTarget.Name)];
            if (string.IsNullOrWhiteSpace(entryName))
            {
                all.Add($"{entry.Path}:Name is required for each entry of {listSection} (a short name such as gpu-a, given to `opsbot logs --target`).");
            }
            else
            {
                all.AddRange(NameProblems(entry.Path, entryName, seen));
            }

            targets.Add(new BoundTarget<T>(value, entry.Path));
        }

        return all.Count > 0 ? Result(new BoundTarget<T>(new T(), flatSection), all) : (targets, all);
    }

    private static List<string> NameProblems(string path, string name, Dictionary<string, string> seen)
    {
        if (!OpsPatterns.TargetName().IsMatch(name))
        {
            return [$"{path}:Name '{name}' must be 1-32 lower-case letters, digits, - or _, starting with a letter or digit."];
        }

        if (seen.TryGetValue(name, out var first))
        {
            return [$"{path}:Name '{name}' is already the name of {first}: each target needs its own name."];
        }

        seen[name] = path;
        return [];
    }

    private static (IReadOnlyList<BoundTarget<T>>, IReadOnlyList<string>) Result<T>(BoundTarget<T> only, IReadOnlyList<string> problems)
        where T : class, new() =>
        ([problems.Count > 0 ? only with { Options = new T() } : only], problems);
}
