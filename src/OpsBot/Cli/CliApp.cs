using System.Globalization;
using OpsBot.History;
using OpsBot.Hosting;
using OpsBot.Ops;

namespace OpsBot.Cli;

/// <summary>
/// The CLI twin: <c>opsbot status|logs|smoke|history|check-config</c> print what the Discord commands post,
/// for when Discord itself is the problem. Same <see cref="OpsCommands"/>, plain-text renderer.
/// </summary>
public static class CliApp
{
    public const int ExitOk = 0;
    public const int ExitFailed = 1;
    public const int ExitConfigProblems = 2;
    public const int ExitUsage = 64;

    private static readonly string[] Verbs = ["status", "logs", "smoke", "history", "check-config", "help"];

    public static string Usage { get; } = """
        usage: opsbot [--port N --vllm-url URL --host ADDR]   run the proxy and bot (the service)
               opsbot status                                  stack status, uptime, last incidents (exit 1 unless healthy)
               opsbot logs <vllm|proxy|gateway> [-n N]        last N log lines (default 50, at most 500)
               opsbot smoke [proxy|2+2|tmp|all]               run smoke tests with progress (exit 1 on failure)
               opsbot history [incidents|alerts|restarts|smoke|traffic|all] [--hours H] [-n N]
               opsbot check-config                            validate all settings (exit 2 on problems)
        """;

    /// <summary>True when <paramref name="args"/> name a CLI verb (or help) rather than the service's flags.</summary>
    public static bool IsCliInvocation(string[] args) =>
        args.Length > 0 && (!args[0].StartsWith('-') || args[0] is "--help" or "-h");

    /// <summary>
    /// The arguments to build the host with for a CLI invocation: only the service's own flags
    /// (e.g. <c>--vllm-url</c>), so CLI options like <c>-n 20</c> never reach configuration.
    /// </summary>
    public static string[] HostArguments(string[] args)
    {
        if (!IsCliInvocation(args))
        {
            return args;
        }

        var kept = new List<string>();
        for (var i = 1; i < args.Length; i++)
        {
            var (name, inlineValue) = args[i].Split('=', 2) is [var n, var v] ? (n, v) : (args[i], null);
            if (!CommandLine.SwitchMappings.ContainsKey(name))
            {
                continue;
            }

            if (inlineValue is not null)
            {
                kept.Add(args[i]);
            }
            else if (i + 1 < args.Length)
            {
                kept.Add(args[i]);
                kept.Add(args[++i]);
            }
        }

        return [.. kept];
    }

    /// <summary>The verb's own arguments: what follows the verb, less the service flags <see cref="HostArguments"/> passed to the host.</summary>
    private static string[] CommandArguments(string[] args)
    {
        var hostFlags = HostArguments(args);
        var rest = new List<string>();
        for (var i = 1; i < args.Length; i++)
        {
            var name = args[i].Split('=', 2)[0];
            if (CommandLine.SwitchMappings.ContainsKey(name) && hostFlags.Contains(args[i]))
            {
                i += args[i].Contains('=') ? 0 : 1;
                continue;
            }

            rest.Add(args[i]);
        }

        return [.. rest];
    }

    /// <summary>Runs a CLI verb and answers its exit code, or null when <paramref name="args"/> mean "run the service".</summary>
    public static async Task<int?> TryRunAsync(string[] args, IServiceProvider services, TextWriter output, CancellationToken cancellationToken)
    {
        if (!IsCliInvocation(args))
        {
            return null;
        }

        var verb = args[0].ToLowerInvariant();
        var rest = CommandArguments(args);
        var renderer = new PlainTextRenderer();
        var commands = services.GetService<OpsCommands>() ?? ActivatorUtilities.CreateInstance<OpsCommands>(services);
        var time = services.GetService<TimeProvider>() ?? TimeProvider.System;
        try
        {
            switch (verb)
            {
                case "help" or "--help" or "-h":
                    await output.WriteLineAsync(Usage);
                    return ExitOk;
                case "status":
                    return await StatusAsync(rest, commands, renderer, output, cancellationToken);
                case "logs":
                    return await LogsAsync(rest, commands, renderer, output, cancellationToken);
                case "smoke":
                    return await SmokeAsync(rest, commands, renderer, output, time, cancellationToken);
                case "history":
                    return await HistoryAsync(rest, commands, renderer, output, cancellationToken);
                case "check-config":
                    return await CheckConfigAsync(rest, commands, renderer, output);
                default:
                    return await UsageErrorAsync(output, $"unknown command '{args[0]}' (commands: {string.Join(", ", Verbs)})");
            }
        }
        catch (CliUsageException ex)
        {
            return await UsageErrorAsync(output, ex.Message);
        }
    }

    private static async Task<int> StatusAsync(string[] args, OpsCommands commands, PlainTextRenderer renderer, TextWriter output, CancellationToken cancellationToken)
    {
        NoMoreArguments(args, "status");
        var report = await commands.GetStatusAsync(inService: false, cancellationToken);
        await output.WriteAsync(renderer.RenderStatus(report));
        return report.Overall == HealthState.Healthy ? ExitOk : ExitFailed;
    }

    private static async Task<int> LogsAsync(string[] args, OpsCommands commands, PlainTextRenderer renderer, TextWriter output, CancellationToken cancellationToken)
    {
        StackService? service = null;
        var lines = OpsCommands.DefaultLogLines;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] is "-n" or "--lines")
            {
                lines = ParseCount(i + 1 < args.Length ? args[++i] : null, args[i], OpsCommands.MaxLogLines);
            }
            else if (args[i].StartsWith("-n", StringComparison.Ordinal) && args[i].Length > 2)
            {
                lines = ParseCount(args[i][2..], "-n", OpsCommands.MaxLogLines);
            }
            else if (service is null && ParseService(args[i]) is { } parsed)
            {
                service = parsed;
            }
            else
            {
                throw new CliUsageException($"logs: unexpected '{args[i]}' (want: logs <vllm|proxy|gateway> [-n N])");
            }
        }

        if (service is null)
        {
            throw new CliUsageException("logs: which service? (vllm, proxy or gateway)");
        }

        var tail = await commands.GetLogsAsync(service.Value, lines, cancellationToken);
        await output.WriteAsync(renderer.RenderLogs(tail));
        return tail.Error is null ? ExitOk : ExitFailed;
    }

    private static async Task<int> SmokeAsync(string[] args, OpsCommands commands, PlainTextRenderer renderer, TextWriter output, TimeProvider time, CancellationToken cancellationToken)
    {
        if (args.Length > 1 || !SmokeTests.TryParse(args.FirstOrDefault(), out var kinds))
        {
            throw new CliUsageException($"smoke: unknown test '{string.Join(' ', args)}' (tests: {string.Join(", ", SmokeTests.Names)})");
        }

        var progress = new TerminalProgress(output, renderer, time);
        var report = await commands.RunSmokeAsync(kinds, $"cli:{Environment.UserName}", progress, cancellationToken);
        await output.WriteAsync(renderer.RenderSmoke(report));
        return report.Passed ? ExitOk : ExitFailed;
    }

    private static async Task<int> HistoryAsync(string[] args, OpsCommands commands, PlainTextRenderer renderer, TextWriter output, CancellationToken cancellationToken)
    {
        var kind = HistoryKind.All;
        var hours = 24;
        var limit = 10;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--hours":
                    hours = ParseCount(i + 1 < args.Length ? args[++i] : null, "--hours", (int)HistoryQuery.MaxWindow.TotalHours);
                    break;
                case "-n" or "--limit":
                    limit = ParseCount(i + 1 < args.Length ? args[++i] : null, args[i], HistoryQuery.MaxLimit);
                    break;
                default:
                    kind = ParseHistoryKind(args[i]) ?? throw new CliUsageException($"history: unexpected '{args[i]}' (kinds: incidents, alerts, restarts, smoke, traffic, all)");
                    break;
            }
        }

        var report = await commands.GetHistoryAsync(new HistoryQuery(kind, TimeSpan.FromHours(hours), limit), cancellationToken);
        if (report is null)
        {
            await output.WriteLineAsync("History is not part of this build.");
            return ExitFailed;
        }

        await output.WriteAsync(renderer.RenderHistory(report));
        return report.Health.IsAvailable ? ExitOk : ExitFailed;
    }

    private static async Task<int> CheckConfigAsync(string[] args, OpsCommands commands, PlainTextRenderer renderer, TextWriter output)
    {
        NoMoreArguments(args, "check-config");
        var report = commands.CheckConfiguration();
        await output.WriteAsync(renderer.RenderConfigCheck(report));
        return report.Ok ? ExitOk : ExitConfigProblems;
    }

    private static async Task<int> UsageErrorAsync(TextWriter output, string message)
    {
        await output.WriteLineAsync($"opsbot: {message}");
        await output.WriteLineAsync(Usage);
        return ExitUsage;
    }

    private static void NoMoreArguments(string[] args, string verb)
    {
        if (args.Length > 0)
        {
            throw new CliUsageException($"{verb}: unexpected '{args[0]}'");
        }
    }

    private static int ParseCount(string? text, string option, int max) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= 1 && value <= max
            ? value
            : throw new CliUsageException($"{option} wants a number from 1 to {max} (got '{text}')");

    internal static StackService? ParseService(string text) => text.ToLowerInvariant() switch
    {
        "vllm" => StackService.Vllm,
        "proxy" or "opsbot" => StackService.Proxy,
        "gateway" or "openclaw" => StackService.Gateway,
        _ => null,
    };

    private static HistoryKind? ParseHistoryKind(string text) => text.ToLowerInvariant() switch
    {
        "all" => HistoryKind.All,
        "incidents" => HistoryKind.Incidents,
        "alerts" => HistoryKind.Alerts,
        "restarts" => HistoryKind.Restarts,
        "smoke" or "smoke-tests" => HistoryKind.SmokeTests,
        "traffic" => HistoryKind.Traffic,
        _ => null,
    };
}
