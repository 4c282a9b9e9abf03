using System.Text.RegularExpressions;

namespace OpsBot.Hosting;

/// <summary>
/// The service's own command line (<c>opsbot --port 8003 --vllm-url http://…</c>, as the unit starts it) read without
/// System.CommandLine, whose definition and parse cost about 0.05 s CPU at every start. Anything that is not plainly that
/// (a verb, help, a flag without its value, a value that looks like a flag or a verb, <c>--port=N</c>) is left to
/// <see cref="Cli.OpsBotCommandLine"/>, which gives the same host arguments for what this accepts and the exact errors for
/// the rest.
/// </summary>
public static partial class ServiceCommandLine
{
    /// <summary>The service flags in the order <see cref="Cli.OpsBotCommandLine"/> hands them to the host.</summary>
    private static readonly string[] Flags = ["--port", "--vllm-url", "--host", "--max-tool-calls"];

    private static readonly string[] Verbs = ["status", "logs", "smoke", "history", "chart", "check-config"];

    /// <summary>The host arguments when <paramref name="args"/> only runs the service with its flags and settings; otherwise null.</summary>
    public static IReadOnlyList<string>? TryParse(IReadOnlyList<string> args)
    {
        var (rest, overrides, error) = SplitConfigurationOverrides(args);
        if (error is not null || rest.Count % 2 != 0)
        {
            return null;
        }

        var values = new string?[Flags.Length];
        for (var i = 0; i < rest.Count; i += 2)
        {
            var flag = Array.IndexOf(Flags, rest[i]);
            var value = rest[i + 1];
            if (flag < 0 || value.Length == 0 || value[0] is '-' or '[' or '@' || Verbs.Contains(value, StringComparer.OrdinalIgnoreCase))
            {
                return null;
            }

            // Given twice, the last one counts (argparse did the same).
            values[flag] = value;
        }

        var hostArguments = new List<string>(rest.Count + overrides.Count);
        for (var i = 0; i < Flags.Length; i++)
        {
            if (values[i] is { } value)
            {
                hostArguments.Add(Flags[i]);
                hostArguments.Add(value);
            }
        }

        hostArguments.AddRange(overrides);
        return hostArguments;
    }

    /// <summary>
    /// Takes <c>--Section:Key value</c> and <c>--Section:Key=value</c> out of the arguments as host configuration
    /// (<c>--Section:Key=value</c>), leaving the rest for the command line proper.
    /// </summary>
    internal static (List<string> Remaining, List<string> Overrides, string? Error) SplitConfigurationOverrides(IReadOnlyList<string> args)
    {
        var rest = new List<string>();
        var overrides = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] == "--")
            {
                rest.AddRange(args.Skip(i));
                break;
            }

            var match = ConfigurationOverride().Match(args[i]);
            if (!match.Success)
            {
                rest.Add(args[i]);
                continue;
            }

            var key = match.Groups["key"].Value;
            if (match.Groups["value"].Success)
            {
                overrides.Add($"--{key}={match.Groups["value"].Value}");
            }
            else if (i + 1 < args.Count)
            {
                overrides.Add($"--{key}={args[++i]}");
            }
            else
            {
                return (rest, overrides, $"--{key} needs a value (--{key}=VALUE or --{key} VALUE)");
            }
        }

        return (rest, overrides, null);
    }

    [GeneratedRegex(@"^--(?<key>[A-Za-z][A-Za-z0-9_]*(?::[A-Za-z0-9_]+)+)(?:=(?<value>.*))?$", RegexOptions.Singleline)]
    private static partial Regex ConfigurationOverride();
}
