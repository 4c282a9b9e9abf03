using System.CommandLine;
using Microsoft.Extensions.Options;
using OpsBot.Admin;
using OpsBot.Charts;
using OpsBot.History;
using OpsBot.Hosting;
using OpsBot.Operations;
using OpsBot.Ops;
using OpsBot.Status;

namespace OpsBot.Cli;

/// <summary>
/// The CLI twin: <c>opsbot status|logs|smoke|history|chart|check-config</c> print (or draw) what the Discord commands post, for
/// when Discord itself is the problem. Each verb asks the running service over its admin socket first (its proxy
/// log, its history, its monitors) and, when no service answers, says so on one line and probes directly.
/// </summary>
/// <remarks>
/// Results go to standard output, fitted to the terminal (80 columns at most); notes, heartbeats and usage errors
/// to standard error. Exit codes: 0 fine, 1 the thing checked is not (unhealthy, a smoke test failed), 2 invalid
/// configuration, 64 a usage error (EX_USAGE).
/// </remarks>
public sealed class CliApp
{
    public const int ExitOk = 0;
    public const int ExitFailed = 1;
    public const int ExitConfigProblems = 2;
    public const int ExitUsage = 64;

    /// <summary>Interrupted (Ctrl+C): 128 + SIGINT, as shells report it.</summary>
    public const int ExitInterrupted = 130;

    private readonly CliConsole _console;
    private readonly Func<IReadOnlyList<string>, IServiceProvider> _services;
    private readonly TimeProvider _time;
    private readonly PlainTextRenderer _renderer;

    /// <param name="services">Builds the services a verb needs from the host arguments (only called for a verb).</param>
    public CliApp(CliConsole console, Func<IReadOnlyList<string>, IServiceProvider> services, TimeProvider? time = null)
    {
        _console = console;
        _services = services;
        _time = time ?? TimeProvider.System;
        _renderer = new PlainTextRenderer(console.Style);
    }

    /// <summary>For Program: runs a command line that is not the service, with the real host behind the verbs.</summary>
    public static async Task<int> RunAsync(ParsedCommandLine commandLine, CliConsole console, CancellationToken cancellationToken)
    {
        IHost? host = null;
        try
        {
            return await new CliApp(console, arguments => (host ??= BuildHost(arguments)).Services).RunAsync(commandLine, cancellationToken);
        }
        finally
        {
            host?.Dispose();
        }
    }

    /// <summary>The service's composition, built but not started, and quiet: the terminal shows the command's output.</summary>
    public static IHost BuildHost(IReadOnlyList<string> hostArguments)
    {
        var builder = OpsBotHost.CreateBuilder([.. hostArguments]);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Warning", ["Logging:LogLevel:OpsBot"] = "Warning" });
        return builder.Build();
    }

    public async Task<int> RunAsync(ParsedCommandLine commandLine, CancellationToken cancellationToken)
    {
        if (commandLine.IsInformational)
        {
            return commandLine.Result.Invoke(new InvocationConfiguration { Output = _console.Out, Error = _console.Error, EnableDefaultExceptionHandler = false });
        }

        if (commandLine.HasErrors)
        {
            return UsageError(commandLine);
        }

        try
        {
            return await RunVerbAsync(commandLine, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            _console.Note("interrupted");
            return ExitInterrupted;
        }
    }

    private async Task<int> RunVerbAsync(ParsedCommandLine commandLine, CancellationToken cancellationToken)
    {
        var definition = commandLine.Definition;
        var result = commandLine.Result;
        var command = commandLine.Command;
        if (command == definition.Status)
        {
            return await StatusAsync(Verb.For(this, commandLine), cancellationToken);
        }

        if (command == definition.Logs)
        {
            return await LogsAsync(
                Verb.For(this, commandLine), definition.LogsServiceOf(result), result.GetValue(definition.LogsLines), result.GetValue(definition.LogsTarget), cancellationToken);
        }

        if (command == definition.Smoke)
        {
            return await SmokeAsync(Verb.For(this, commandLine), result.GetValue(definition.SmokeTest) ?? "all", result.GetValue(definition.SmokeTarget), cancellationToken);
        }

        if (command == definition.History)
        {
            var query = new HistoryQuery(definition.HistoryKindOf(result), TimeSpan.FromHours(result.GetValue(definition.HistoryHours)), result.GetValue(definition.HistoryLimit));
            return await HistoryAsync(Verb.For(this, commandLine), query, cancellationToken);
        }

        if (command == definition.Chart)
        {
            return await ChartAsync(Verb.For(this, commandLine), result.GetValue(definition.ChartSince)!, result.GetValue(definition.ChartSizeOption), result.GetValue(definition.ChartOutput), cancellationToken);
        }

        if (command == definition.CheckConfig)
        {
            return CheckConfig(Verb.For(this, commandLine));
        }

        throw new InvalidOperationException($"{commandLine.CommandPath} is the service, not a CLI verb");
    }

    private int UsageError(ParsedCommandLine commandLine)
    {
        var (messages, isConfiguration) = commandLine.Errors();
        if (isConfiguration)
        {
            return new ConfigurationErrors(messages).Report(_console.Error);
        }

        foreach (var message in messages)
        {
            _console.Note(ReferenceEquals(commandLine.Command, commandLine.Definition.Root) ? message : $"{commandLine.Command.Name}: {message}");
        }

        _console.Error.WriteLine($"Try '{commandLine.CommandPath} --help'.");
        return ExitUsage;
    }

    private async Task<int> StatusAsync(Verb verb, CancellationToken cancellationToken)
    {
        StatusReport report;
        using (var heartbeat = new Heartbeat(_console, _time, "asking the service"))
        {
            report = await verb.FromServiceAsync(
                admin => admin.GetStatusAsync(cancellationToken),
                () =>
                {
                    heartbeat.Step("probing vLLM, the proxy and the gateway");
                    return verb.Operations.GetStatusAsync(inService: false, cancellationToken);
                });
        }

        _console.WriteResult(_renderer.RenderStatus(report));
        return report.Overall == HealthState.Healthy ? ExitOk : ExitFailed;
    }

    private async Task<int> LogsAsync(Verb verb, StackService service, int lines, string? target, CancellationToken cancellationToken)
    {
        LogTail tail;
        using (var heartbeat = new Heartbeat(_console, _time, $"reading the {AdminRoutes.ServiceWord(service)} log"))
        {
            tail = await verb.FromServiceAsync(
                admin => admin.GetLogsAsync(service, lines, target, cancellationToken),
                () => service == StackService.Proxy
                    // The proxy's lines live in the service's memory; this process has none to show.
                    ? Task.FromResult(new LogTail(service, lines, [], "the proxy log is kept in the running service's memory, and no service answered"))
                    : verb.Operations.GetLogsAsync(service, lines, target, cancellationToken));
        }

        _console.WriteResult(_renderer.LogsHeader(tail) + "\n");
        if (tail.Lines.Count > 0)
        {
            // Log lines are data: whole in a pipe (for grep), fitted on a terminal.
            var body = string.Join('\n', tail.Lines) + "\n";
            if (_console.OutputIsTerminal)
            {
                _console.WriteResult(body);
            }
            else
            {
                _console.WriteOut(body);
            }
        }

        return tail.Error is null ? ExitOk : ExitFailed;
    }

    private async Task<int> SmokeAsync(Verb verb, string test, string? target, CancellationToken cancellationToken)
    {
        _ = SmokeTestNames.TryParse(test, out var kinds);
        var requestedBy = $"cli:{Environment.UserName}";
        SmokeReport report;
        using (var heartbeat = new Heartbeat(_console, _time, "starting the smoke tests"))
        {
            var progress = new TerminalProgress(_console, _renderer, _time, heartbeat);
            report = await verb.FromServiceAsync(
                admin => admin.RunSmokeAsync(test, requestedBy, progress, cancellationToken, target),
                () => verb.Operations.RunSmokeAsync(kinds, requestedBy, progress, cancellationToken, gateway: target));
        }

        _console.WriteResult(_renderer.RenderSmoke(report));
        return report.Passed ? ExitOk : ExitFailed;
    }

    private async Task<int> HistoryAsync(Verb verb, HistoryQuery query, CancellationToken cancellationToken)
    {
        HistoryReport report;
        using (new Heartbeat(_console, _time, "reading history"))
        {
            report = await verb.FromServiceAsync(
                admin => admin.GetHistoryAsync(query, cancellationToken),
                async () => await verb.Operations.GetHistoryAsync(query, cancellationToken) ?? NoHistory(query));
        }

        _console.WriteResult(_renderer.RenderHistory(report));
        return report.Health.IsAvailable ? ExitOk : ExitFailed;
    }

    private HistoryReport NoHistory(HistoryQuery query)
    {
        var now = _time.GetUtcNow();
        return new HistoryReport(query, now - query.Window, now, new HistoryHealth(HistoryState.Disabled, "-", "history is not part of this build"), null, [], [], [], [], null);
    }

    /// <summary>
    /// Writes the chart to <paramref name="output"/> (default <c>opsbot-chart-&lt;since&gt;.png</c>): 0 when written, 1 when
    /// the file cannot be written or history could not be read (the chart then says so), as <c>history</c> does.
    /// </summary>
    private async Task<int> ChartAsync(Verb verb, ChartRange range, ChartSize? size, string? output, CancellationToken cancellationToken)
    {
        output ??= $"opsbot-chart-{range.Name}.png";
        var path = Path.GetFullPath(output);
        // Checked before drawing: a mistaken -o costs nothing.
        if (ChartOutput.Problem(path) is { } problem)
        {
            _console.Note($"chart: {problem}");
            return ExitFailed;
        }

        ChartFile chart;
        using (new Heartbeat(_console, _time, "drawing the chart"))
        {
            chart = await verb.FromServiceAsync(
                admin => admin.GetChartAsync(range, size, cancellationToken),
                async () => ChartFile.From(await verb.Operations.GetChartAsync(range, size, cancellationToken)
                    ?? throw new InvalidOperationException("charts are not part of this build")));
        }

        try
        {
            ChartOutput.Write(path, chart.Png);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _console.Note($"chart: cannot write {path}: {ex.Message}");
            return ExitFailed;
        }

        _console.WriteResult($"Chart of the {range.Description} ({chart.Size?.ToString() ?? "?"}, {chart.Png.Length / 1024.0:0} KiB) written to {output}"
            + (chart.NoData is { } noData ? $"\n{noData}.\n" : "\n"));
        return chart.HistoryAvailable ? ExitOk : ExitFailed;
    }

    private int CheckConfig(Verb verb)
    {
        var report = verb.ConfigCheck.Run();
        _console.WriteResult(_renderer.RenderConfigCheck(report));
        return report.Ok ? ExitOk : ExitConfigProblems;
    }

    /// <summary>A verb's services, built from its host arguments, and the service-first rule.</summary>
    private sealed class Verb(CliApp app, IServiceProvider services)
    {
        public IOpsOperations Operations => services.GetRequiredService<IOpsOperations>();

        public ConfigCheck ConfigCheck => services.GetRequiredService<ConfigCheck>();

        public static Verb For(CliApp app, ParsedCommandLine commandLine) => new(app, app._services(commandLine.HostArguments));

        /// <summary>The running service's answer; without one, a one-line note on standard error and <paramref name="direct"/>.</summary>
        public async Task<T> FromServiceAsync<T>(Func<AdminClient, Task<AdminAnswer<T>>> ask, Func<Task<T>> direct)
            where T : class
        {
            if (Client() is not { } client)
            {
                return await direct();
            }

            var answer = await ask(client);
            if (answer.Value is { } value)
            {
                return value;
            }

            app._console.Note(answer.Connected
                ? $"the service did not answer: probing directly ({answer.Problem})"
                : $"service not running: probing directly ({answer.Problem})");
            return await direct();
        }

        // Null when the endpoint is turned off (Admin:Enabled=false): nothing to ask, nothing to note.
        private AdminClient? Client() => services.GetService<IOptions<AdminOptions>>()?.Value.Enabled == false ? null : services.GetService<AdminClient>();
    }
}
