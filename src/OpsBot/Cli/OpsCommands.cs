using System.Diagnostics;
using Microsoft.Extensions.Options;
using OpsBot.Admin;
using OpsBot.Alerts;
using OpsBot.Charts;
using OpsBot.Components;
using OpsBot.Hosting;
using OpsBot.History;
using OpsBot.Ops;
using OpsBot.ProxyCore.Events;

namespace OpsBot.Cli;

/// <summary>
/// The work behind /status, /logs, /smoke, /history, charts and check-config, shared by the Discord commands and
/// the CLI twin so both report the same facts; only the renderer differs. Services from other parts of
/// OpsBot are optional here: a missing one is reported, not thrown.
/// </summary>
public sealed class OpsCommands
{
    public const int DefaultLogLines = 50;
    public const int MaxLogLines = 500;

    /// <summary>The one wording for a line count out of range, from the CLI's parser and the admin endpoint alike.</summary>
    public static string LinesOutOfRange(long lines) => $"lines must be 1–{MaxLogLines} (got {lines})";

    private static readonly TimeSpan StatusTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan AvailabilityWindow = TimeSpan.FromHours(24);

    private readonly IServiceProvider _services;
    private readonly TimeProvider _time;

    public OpsCommands(IServiceProvider services, TimeProvider time)
    {
        _services = services;
        _time = time;
    }

    /// <param name="inService">
    /// True inside the running service. The CLI passes false: its own process has no proxy counters,
    /// silences or maintenance windows, so it shows traffic from history instead of empty live numbers.
    /// </param>
    public async Task<StatusReport> GetStatusAsync(bool inService, CancellationToken cancellationToken)
    {
        StackStatus? stack = null;
        string? stackError = null;
        IReadOnlyList<ComponentStatus>? serviceComponents = null;
        if (Optional<IStatusService>(out var statusProblem) is { } statusService)
        {
            try
            {
                using var timeout = new CancellationTokenSource(StatusTimeout, _time);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
                stack = await statusService.GetStatusAsync(linked.Token);
                if (!inService && Optional<ProxyHealthProbe>() is { } probe)
                {
                    (var proxy, serviceComponents) = await probe.ProbeServiceAsync(linked.Token);
                    stack = stack with { Services = [.. stack.Services.Select(s => s.Service == StackService.Proxy ? proxy : s)] };
                }
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                stackError = ex is OperationCanceledException ? $"status did not answer within {AlertText.Duration(StatusTimeout)}" : ex.Message;
            }
        }
        else
        {
            stackError = $"the status service is unavailable: {statusProblem}";
        }

        var history = Optional<IHistoryQueryService>();
        var availability = history is null ? null : await history.GetAvailabilityAsync(AvailabilityWindow, cancellationToken);
        IReadOnlyList<IncidentRecord> incidents = history is null ? [] : await history.GetRecentIncidentsAsync(5, cancellationToken);
        var mutes = Optional<AlertMutes>();
        return new StatusReport(
            _time.GetUtcNow(),
            stack,
            stackError,
            inService ? Optional<IProxyStatistics>()?.GetSnapshot() : null,
            availability,
            incidents,
            history?.GetHealth(),
            inService && mutes is not null ? mutes.GetActiveSilences() : [],
            inService && mutes is not null ? mutes.GetActiveMaintenance() : [],
            // The CLI's own process never runs the components: what the running service says counts, else what the configuration decides.
            serviceComponents ?? Optional<ComponentStates>()?.Snapshot());
    }

    public async Task<LogTail> GetLogsAsync(StackService service, int lines, CancellationToken cancellationToken)
    {
        lines = Math.Clamp(lines, 1, MaxLogLines);
        if (Optional<ILogTailService>(out var problem) is not { } logs)
        {
            return new LogTail(service, lines, [], $"the log service is unavailable: {problem}");
        }

        try
        {
            return await logs.TailAsync(service, lines, cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            return new LogTail(service, lines, [], ex.Message);
        }
    }

    /// <summary>Runs the tests one after another, reporting progress, and records each result in history.</summary>
    public async Task<SmokeReport> RunSmokeAsync(IReadOnlyList<SmokeTestKind> kinds, string requestedBy, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        if (Optional<ISmokeTestService>(out var problem) is not { } smoke)
        {
            return new SmokeReport([], TimeSpan.Zero, $"the smoke test service is unavailable: {problem}");
        }

        var history = Optional<ISmokeTestHistory>();
        var results = new List<SmokeTestResult>();
        foreach (var kind in kinds)
        {
            progress?.Report($"{SmokeTests.Describe(kind)}: running…");
            var testStarted = _time.GetTimestamp();
            SmokeTestResult result;
            try
            {
                result = await smoke.RunAsync(kind, progress, cancellationToken);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                result = new SmokeTestResult(kind, false, _time.GetElapsedTime(testStarted), "", ex.Message);
            }

            results.Add(result);
            progress?.Report($"{SmokeTests.Describe(kind)}: {(result.Passed ? "passed" : "FAILED")} in {result.Elapsed.TotalSeconds:0.0} s");
            if (history is not null)
            {
                await history.RecordAsync(SmokeTestRecord.From(result, requestedBy, _time.GetUtcNow()), cancellationToken);
            }
        }

        return new SmokeReport(results, _time.GetElapsedTime(started));
    }

    public async Task<HistoryReport?> GetHistoryAsync(HistoryQuery query, CancellationToken cancellationToken) =>
        Optional<IHistoryQueryService>() is { } history ? await history.GetReportAsync(query, cancellationToken) : null;

    /// <param name="size">Null for the configured size.</param>
    /// <returns>The chart, or null when charts are not part of this build.</returns>
    public async Task<ChartImage?> GetChartAsync(ChartRange range, ChartSize? size, CancellationToken cancellationToken) =>
        Optional<IChartService>() is { } charts ? await charts.RenderAsync(range, size, cancellationToken: cancellationToken) : null;

    /// <summary>
    /// Every configuration problem, without starting anything: the proxy's (exit 2 at start), each component's (which
    /// disable it) and any other ValidateOnStart registration. Messages are redacted against secret-looking values.
    /// </summary>
    public ConfigCheckReport CheckConfiguration()
    {
        var configuration = _services.GetRequiredService<IConfiguration>();
        var secrets = ConfigurationSecrets.Values(configuration);
        // The proxy's settings (which stop the start), every component's (which disable it), then anything else
        // registered with ValidateOnStart. Each problem is one line naming its key.
        var found = new List<string>();
        if (ConfigurationErrors.CheckProxy(configuration) is { } proxy)
        {
            found.AddRange(proxy.Problems);
        }

        var states = Optional<ComponentStates>();
        found.AddRange(states?.ConfigurationProblems ?? []);
        try
        {
            _services.GetService<IStartupValidator>()?.Validate();
        }
        catch (Exception ex)
        {
            found.AddRange(Failures(ex));
        }

        var problems = found.Select(p => ConfigurationSecrets.Redact(p, secrets)).Distinct(StringComparer.Ordinal).ToList();
        var notes = new List<string>();
        foreach (var component in states?.Snapshot().Where(c => c.State == ComponentState.Off) ?? [])
        {
            notes.Add($"{component.Name}: off ({component.Reason}): {ComponentNames.WhatStops[component.Name]}");
        }

        if (Optional<HistoryDatabase>() is { } database)
        {
            notes.Add($"history database: {database.DatabasePath}");
        }

        var environment = _services.GetService<IHostEnvironment>();
        if (_services.GetService<IOptions<AdminOptions>>() is { } admin)
        {
            notes.Add(admin.Value.Enabled ? $"admin socket: {AdminSocketPath.Resolve(admin.Value, environment)}" : "admin socket: off (Admin:Enabled is false)");
        }

        if (environment is not null)
        {
            notes.Add($"environment: {environment.EnvironmentName}, settings from {environment.ContentRootPath}");
        }

        return new ConfigCheckReport(problems, notes);
    }

    // A part whose options are invalid cannot be built; the command still answers with what it has
    // (check-config is where the invalid options are reported).
    private T? Optional<T>() where T : class => Optional<T>(out _);

    private T? Optional<T>(out string? problem) where T : class
    {
        problem = null;
        try
        {
            return _services.GetService<T>() ?? Missing<T>(out problem);
        }
        catch (OptionsValidationException ex)
        {
            problem = $"its configuration is invalid ({ex.OptionsType.Name}); run `opsbot check-config`";
            return null;
        }
    }

    private static T? Missing<T>(out string problem) where T : class
    {
        problem = "it is not part of this build";
        return null;
    }

    private static IEnumerable<string> Failures(Exception exception)
    {
        switch (exception)
        {
            case OptionsValidationException validation:
                foreach (var failure in validation.Failures)
                {
                    yield return failure;
                }

                break;
            case AggregateException aggregate:
                foreach (var inner in aggregate.Flatten().InnerExceptions.SelectMany(Failures))
                {
                    yield return inner;
                }

                break;
            default:
                // Binding errors ("Failed to convert configuration value at 'Proxy:Port'") land here.
                yield return exception.InnerException is { } inner2 && exception is InvalidOperationException
                    ? $"{exception.Message} {inner2.Message}"
                    : exception.Message;
                break;
        }
    }
}
