using OpsBot.Ops;

namespace OpsBot.Operations;

/// <summary>Smoke tests by name (<c>opsbot smoke 2+2</c>, <c>/smoke test:list-tmp</c>), read from <see cref="SmokeTestSelection"/>.</summary>
public static class SmokeTestNames
{
    /// <summary>What <c>all</c> runs, in <see cref="SmokeTestSelection"/>'s order, in the CLI and Discord alike.</summary>
    public static IReadOnlyList<SmokeTestKind> All { get; } =
        [.. EnumNames<SmokeTestSelection>.Values.Where(s => s != SmokeTestSelection.All).Select(s => (SmokeTestKind)s)];

    public static IReadOnlyList<string> Names => EnumNames<SmokeTestSelection>.Names;

    public static IReadOnlyList<SmokeTestKind> Kinds(SmokeTestSelection selection) =>
        selection == SmokeTestSelection.All ? All : [(SmokeTestKind)selection];

    /// <summary>A name or alias as typed; nothing at all means <c>all</c>.</summary>
    public static bool TryParse(string? text, out IReadOnlyList<SmokeTestKind> kinds)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            kinds = All;
            return true;
        }

        kinds = EnumNames<SmokeTestSelection>.TryParse(text, out var selection) ? Kinds(selection) : [];
        return kinds.Count > 0;
    }

    public static string NameOf(SmokeTestKind kind) => EnumNames<SmokeTestSelection>.NameOf((SmokeTestSelection)kind);

    /// <summary><c> on beta</c> for a result from a named gateway; empty for the only gateway and the proxy test.</summary>
    public static string On(SmokeTestResult result) => result.Gateway is { } gateway ? $" on {gateway}" : "";

    /// <summary>What the test asks, for the CLI's report.</summary>
    public static string Describe(SmokeTestKind kind) => kind switch
    {
        SmokeTestKind.TwoPlusTwo => "\"What is 2+2?\"",
        SmokeTestKind.ListTmp => "\"List the files in /tmp\"",
        _ => "proxy direct",
    };
}
