using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;
using System.Globalization;
using OpsBot.Charts;
using OpsBot.History;
using OpsBot.Hosting;
using OpsBot.Operations;
using OpsBot.Ops;

namespace OpsBot.Cli;

/// <summary>
/// The opsbot command line, service and CLI verbs alike, defined with System.CommandLine: standard
/// <c>--help</c> on every verb, unknown options and missing values rejected.
/// </summary>
/// <remarks>
/// The service's flags (<c>--port</c>, <c>--vllm-url</c>, <c>--host</c>, <c>--max-tool-calls</c>, as the Python proxy had)
/// stay strings here: configuration binding and validation report a bad value naming its key, like the same value
/// coming from appsettings or the environment. Any configuration key can also be set as <c>--Section:Key value</c>
/// (the .NET host convention, used by tests and the bench); those are taken out before System.CommandLine parses.
/// </remarks>
public sealed class OpsBotCommandLine
{
    public OpsBotCommandLine()
    {
        ServiceOptions =
        [
            (ServiceFlag("--port", "N", "Proxy listen port (default 8003)"), CommandLine.SwitchMappings["--port"]),
            (ServiceFlag("--vllm-url", "URL", "vLLM base URL without /v1, or several separated by commas (default http://localhost:8000)"), CommandLine.SwitchMappings["--vllm-url"]),
            (ServiceFlag("--host", "ADDR", "Proxy listen address (default 0.0.0.0)"), CommandLine.SwitchMappings["--host"]),
            (ServiceFlag("--max-tool-calls", "N", "Tool results in one conversation that end the turn (default 20)"), CommandLine.SwitchMappings["--max-tool-calls"]),
        ];

        LogsService = new Argument<string>("service")
        {
            Description = "vllm (from Docker), proxy (from the service's memory) or gateway (journald over SSH)",
            HelpName = "service",
        };
        AcceptOnly(LogsService, text => EnumNames<StackService>.TryParse(text, out _), text => $"unknown service '{text}' ({EnumNames<StackService>.Listed})", [.. EnumNames<StackService>.Names]);
        LogsLines = new Option<int>("--lines", "-n")
        {
            Description = $"How many lines, 1–{OpsLimits.MaxLogLines}",
            HelpName = "N",
            DefaultValueFactory = _ => OpsLimits.DefaultLogLines,
            CustomParser = result => ParseCount(result, 1, OpsLimits.MaxLogLines, "lines", OpsLimits.LinesOutOfRange),
        };
        SmokeTest = new Argument<string>("test")
        {
            Description = "proxy-direct (the proxy straight to vLLM; or proxy), 2+2 (an agent turn), list-tmp (an agent turn with a tool; or tmp) or all",
            HelpName = "test",
            Arity = ArgumentArity.ZeroOrOne,
            DefaultValueFactory = _ => "all",
        };
        AcceptOnly(SmokeTest, text => SmokeTestNames.TryParse(text, out _), text => $"unknown smoke test '{text}' (tests: {string.Join(", ", SmokeTestNames.Names)})", [.. SmokeTestNames.Names]);
        HistoryKindArgument = new Argument<string>("kind")
        {
            Description = EnumNames<HistoryKind>.Listed,
            HelpName = "kind",
            Arity = ArgumentArity.ZeroOrOne,
            DefaultValueFactory = _ => "all",
        };
        AcceptOnly(
            HistoryKindArgument,
            text => EnumNames<HistoryKind>.TryParse(text, out _),
            text => $"unknown history kind '{text}' ({EnumNames<HistoryKind>.Listed})",
            [.. EnumNames<HistoryKind>.Names]);
        const int maxHours = HistoryQuery.MaxHours;
        HistoryHours = new Option<int>("--hours")
        {
            Description = $"How far back, 1–{maxHours} hours",
            HelpName = "H",
            DefaultValueFactory = _ => 24,
            CustomParser = result => ParseCount(result, 1, maxHours, "hours", v => $"hours must be 1–{maxHours} (got {v})"),
        };
        HistoryLimit = new Option<int>("--limit", "-n")
        {
            Description = $"At most this many rows per list, 1–{HistoryQuery.MaxLimit}",
            HelpName = "N",
            DefaultValueFactory = _ => 10,
            CustomParser = result => ParseCount(result, 1, HistoryQuery.MaxLimit, "limit", v => $"limit must be 1–{HistoryQuery.MaxLimit} (got {v})"),
        };

        ChartSince = new Option<ChartRange>("--since")
        {
            Description = "How far back: 1h (a point per minute), 24h (per 15 minutes) or 7d (per 2 hours)",
            HelpName = "1h|24h|7d",
            DefaultValueFactory = _ => ChartRange.Day,
            CustomParser = result =>
            {
                var text = result.Tokens.Single().Value;
                if (ChartRange.TryParse(text, out var range))
                {
                    return range;
                }

                result.AddError($"since must be {ChartRange.Names} (got '{text}')");
                return ChartRange.Day;
            },
        };
        ChartSince.CompletionSources.Add([.. ChartRange.All.Select(r => r.Name)]);
        ChartOutput = new Option<string>("--output", "-o")
        {
            Description = "The PNG file to write (default: opsbot-chart-<since>.png here); a regular file is replaced",
            HelpName = "FILE",
        };
        ChartOutput.Validators.Add(result =>
        {
            if (result.Tokens is [var token] && (string.IsNullOrWhiteSpace(token.Value) || token.Value.Contains('\0')))
            {
                result.AddError($"{result.IdentifierToken?.Value ?? "--output"} needs a file name");
            }
        });
        ChartSizeOption = new Option<ChartSize?>("--size")
        {
            Description = $"WIDTHxHEIGHT in pixels (default: Charts:Width x Charts:Height, {ChartSize.Default})",
            HelpName = "WxH",
            CustomParser = result =>
            {
                if (ChartSize.TryParse(result.Tokens.Single().Value, out var size, out var problem))
                {
                    return size;
                }

                result.AddError(problem!);
                return null;
            },
        };

        Status = new Command("status", "Stack status, uptime and last incidents (exit 1 unless healthy)");
        LogsTarget = new Option<string?>("--target", "-t")
        {
            Description = "Which gateway or vLLM, by its name in Ops:Gateways or Ops:Vllm (default: the first)",
        };
        Logs = new Command("logs", "The last lines of a service's log") { LogsService, LogsLines, LogsTarget };
        SmokeTarget = new Option<string?>("--target", "-t")
        {
            Description = "Which gateway, by its name in Ops:Gateways (default: each configured gateway in turn)",
        };
        Smoke = new Command("smoke", "Run smoke tests with progress (exit 1 on failure)") { SmokeTest, SmokeTarget };
        History = new Command("history", "Incidents, alerts, restarts, smoke tests and traffic from the history database")
        {
            HistoryKindArgument, HistoryHours, HistoryLimit,
        };
        Chart = new Command("chart", "Draw requests, errors, latency and vLLM KV-cache use from history as a PNG")
        {
            ChartSince, ChartOutput, ChartSizeOption,
        };
        CheckConfig = new Command("check-config", "Validate every setting without starting anything (exit 2 on problems)");

        Root = new RootCommand("OpsBot: the tool-call proxy in front of vLLM, its monitors and Discord bot. Without a command, runs the service.")
        {
            Status, Logs, Smoke, History, Chart, CheckConfig,
        };
        foreach (var (option, _) in ServiceOptions)
        {
            Root.Options.Add(option);
        }

        // The service runs from Program (so its host outlives the parse); this action only marks "no verb".
        Root.SetAction(_ => CliApp.ExitOk);
        foreach (var help in Root.Options.OfType<HelpOption>())
        {
            ((HelpAction)help.Action!).MaxWidth = TextLayout.DefaultWidth;
        }
    }

    public const string ProgramName = "opsbot";

    public RootCommand Root { get; }

    /// <summary>The service's flags and the configuration key each one sets.</summary>
    public IReadOnlyList<(Option<string[]> Option, string Key)> ServiceOptions { get; }

    public Command Status { get; }

    public Command Logs { get; }

    public Argument<string> LogsService { get; }

    /// <summary>The service given to <c>logs</c> (validated by the parser).</summary>
    public StackService LogsServiceOf(ParseResult result) => EnumNames<StackService>.TryParse(result.GetValue(LogsService), out var service) ? service : StackService.Proxy;

    public Option<int> LogsLines { get; }

    public Option<string?> LogsTarget { get; }

    public Command Smoke { get; }

    public Argument<string> SmokeTest { get; }

    public Option<string?> SmokeTarget { get; }

    public Command History { get; }

    public Argument<string> HistoryKindArgument { get; }

    /// <summary>The history kind given (validated by the parser).</summary>
    public HistoryKind HistoryKindOf(ParseResult result) => EnumNames<HistoryKind>.TryParse(result.GetValue(HistoryKindArgument), out var kind) ? kind : HistoryKind.All;

    public Option<int> HistoryHours { get; }

    public Option<int> HistoryLimit { get; }

    public Command Chart { get; }

    public Option<ChartRange> ChartSince { get; }

    public Option<string> ChartOutput { get; }

    public Option<ChartSize?> ChartSizeOption { get; }

    public Command CheckConfig { get; }

    /// <summary>The verbs, as a usage error lists them.</summary>
    public string VerbNames => string.Join(", ", Root.Subcommands.Select(c => c.Name));

    public ParsedCommandLine Parse(IReadOnlyList<string> args)
    {
        var (rest, overrides, overrideError) = ServiceCommandLine.SplitConfigurationOverrides(args);
        var result = Root.Parse(rest, new ParserConfiguration { ResponseFileTokenReplacer = null });
        var hostArguments = new List<string>();
        foreach (var (option, _) in ServiceOptions)
        {
            // Tokens rather than GetValue: a flag given without its value is reported, not thrown.
            if (result.GetResult(option) is { Tokens: [.., var last] })
            {
                hostArguments.Add(option.Name);
                hostArguments.Add(last.Value);
            }
        }

        hostArguments.AddRange(overrides);
        return new ParsedCommandLine(this, result, hostArguments, overrideError);
    }

    /// <summary>The configuration key a service flag sets (<c>--port</c> → <c>Proxy:Port</c>), or null for any other option.</summary>
    public string? KeyOf(Option option) => ServiceOptions.FirstOrDefault(o => ReferenceEquals(o.Option, option)).Key;

    // A flag given twice takes its last value, as the Python proxy's argparse did (a unit's ExecStart plus an
    // override); each occurrence still needs its own value.
    private static Option<string[]> ServiceFlag(string name, string helpName, string description) => new(name)
    {
        Description = description,
        HelpName = helpName,
        Recursive = true,
        Arity = ArgumentArity.OneOrMore,
        AllowMultipleArgumentsPerToken = false,
    };

    /// <summary>
    /// Words the argument accepts (with their aliases, hence a predicate rather than a fixed list), the error for
    /// any other, and the canonical words for shell completion.
    /// </summary>
    private static void AcceptOnly(Argument<string> argument, Func<string, bool> accepts, Func<string, string> error, params string[] completions)
    {
        argument.Validators.Add(result =>
        {
            if (result.Tokens is [var token] && !accepts(token.Value))
            {
                result.AddError(error(token.Value));
            }
        });
        argument.CompletionSources.Add(completions);
    }

    private static int ParseCount(ArgumentResult result, int min, int max, string what, Func<long, string> outOfRange)
    {
        var text = result.Tokens.Single().Value;
        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            result.AddError($"{what} must be a whole number, {min}–{max} (got '{text}')");
            return 0;
        }

        if (value < min || value > max)
        {
            result.AddError(outOfRange(value));
            return 0;
        }

        return (int)value;
    }
}
