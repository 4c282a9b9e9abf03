using Microsoft.Extensions.Options;
using OpsBot.Alerts;
using OpsBot.Components;

namespace OpsBot.History;

/// <summary>
/// Opens and migrates the database at start (so a broken file is reported at start, not at the first
/// incident), closes incidents a previous run left open (but health incidents, which <see cref="HealthAlertTracker"/>
/// continues or resolves after the first probe round), and prunes old rows once a day.
/// Never fails the host: history is optional, the proxy is not.
/// </summary>
public sealed partial class HistoryInitializer : BackgroundService
{
    private static readonly TimeSpan PruneInterval = TimeSpan.FromDays(1);

    private readonly HistoryDatabase _database;
    private readonly IncidentStore _incidents;
    private readonly IOptions<HistoryOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger<HistoryInitializer> _logger;

    private readonly ComponentStates? _components;

    /// <param name="components">When alerts and the monitor run, open health incidents are left for them to re-evaluate.</param>
    public HistoryInitializer(HistoryDatabase database, IncidentStore incidents, IOptions<HistoryOptions> options, TimeProvider time, ILogger<HistoryInitializer> logger, ComponentStates? components = null)
    {
        _components = components;
        _database = database;
        _incidents = incidents;
        _options = options;
        _time = time;
        _logger = logger;
    }

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        if (await _database.InitializeAsync(cancellationToken))
        {
            LogOpened(_logger, _database.DatabasePath);
            var continued = _components is { } states && states.IsEnabled(ComponentNames.Alerts) && states.IsEnabled(ComponentNames.Monitor);
            var closed = await _incidents.CloseAbandonedAsync(_time.GetUtcNow(), cancellationToken, continued ? HealthAlertTracker.KeyPrefix : null);
            if (closed > 0)
            {
                LogClosedAbandoned(_logger, closed);
            }
        }

        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(PruneInterval, _time);
        try
        {
            do
            {
                await PruneAsync(stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    internal Task<int> PruneAsync(CancellationToken cancellationToken)
    {
        var cutoff = _time.GetUtcNow() - TimeSpan.FromDays(_options.Value.RetentionDays);
        return _database.RunAsync("prune", 0, async (connection, ct) =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = """
                DELETE FROM incidents WHERE resolved_at IS NOT NULL AND resolved_at < $cutoff;
                DELETE FROM alerts WHERE created_at < $cutoff;
                DELETE FROM restarts WHERE started_at < $cutoff;
                DELETE FROM smoke_tests WHERE at < $cutoff;
                DELETE FROM traffic_minutes WHERE minute < $cutoffMinute;
                DELETE FROM vllm_minutes WHERE minute < $cutoffMinute;
                """;
            command.Parameters.AddWithValue("$cutoff", UnixTime.ToMs(cutoff));
            command.Parameters.AddWithValue("$cutoffMinute", cutoff.ToUnixTimeSeconds() / 60);
            return await command.ExecuteNonQueryAsync(ct);
        }, cancellationToken);
    }

    [LoggerMessage(EventId = OpsBotEventIds.HistoryInitializerOpened, Level = LogLevel.Information, Message = "History recorded in {Path}")]
    private static partial void LogOpened(ILogger logger, string path);

    [LoggerMessage(EventId = OpsBotEventIds.HistoryInitializerClosedAbandoned, Level = LogLevel.Information, Message = "History: closed {Count} incident(s) left open by the previous run")]
    private static partial void LogClosedAbandoned(ILogger logger, int count);
}
