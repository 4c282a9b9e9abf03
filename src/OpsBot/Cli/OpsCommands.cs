using System.Diagnostics;
using Microsoft.Extensions.Options;
using OpsBot.Admin;
using OpsBot.Alerts;
using OpsBot.Charts;
using OpsBot.Components;
using OpsBot.Hosting;
using OpsBot.History;
using OpsBot.Ops;
using OpsBot.Status;

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

    private readonly IServiceProvider _services;
    private readonly TimeProvider _time;

    public OpsCommands(IServiceProvider services, TimeProvider time)
    {
        _services = services;
        _time = time;
    }

    /// <summary>The status snapshot (<see cref="StatusSnapshotService"/>); <paramref name="inService"/> is false in the CLI's own process.</summary>
    public Task<StatusReport> GetStatusAsync(bool inService, CancellationToken cancellationToken) =>
        _services.GetRequiredService<StatusSnapshotService>().BuildAsync(inService, cancellationToken);

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

    private T? Optional<T>() where T : class => _services.GetOptional<T>();

    private T? Optional<T>(out string? problem) where T : class => _services.GetOptional<T>(out problem);

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
