using Microsoft.Extensions.Options;
using OpsBot.History;

namespace OpsBot.Alerts;

/// <summary>
/// Alerts waiting for the alert channel. Kept in memory for the dispatcher and written through to SQLite
/// so a restart while Discord is down loses nothing. Bounded: past <see cref="AlertDeliveryOptions.MaxQueued"/>
/// the oldest is dropped and counted, and the count is posted when delivery resumes.
/// </summary>
public sealed partial class AlertOutbox : IDisposable
{
    private readonly HistoryDatabase _database;
    private readonly AlertDeliveryOptions _options;
    private readonly ILogger<AlertOutbox> _logger;
    private readonly Lock _lock = new();
    private readonly List<QueuedAlert> _queue = [];
    private readonly SemaphoreSlim _signal = new(0);
    private long _sequence;
    private int _dropped;

    public AlertOutbox(HistoryDatabase database, IOptions<AlertOptions> options, ILogger<AlertOutbox> logger)
    {
        _database = database;
        _options = options.Value.Delivery;
        _logger = logger;
    }

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _queue.Count;
            }
        }
    }

    /// <summary>Dropped since the last <see cref="TakeDropped"/>.</summary>
    public int Dropped => Volatile.Read(ref _dropped);

    /// <summary>Puts alerts a previous run could not deliver ahead of this run's.</summary>
    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        var stored = await _database.RunAsync<IReadOnlyList<(long Id, Alert Alert)>>("load alert outbox", [], async (connection, ct) =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT id, key, kind, severity, text, created_at FROM alert_outbox ORDER BY created_at, id;";
            var rows = new List<(long, Alert)>();
            using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                rows.Add((reader.GetInt64(0), new Alert(reader.GetString(1), Enum.Parse<AlertKind>(reader.GetString(2)), Enum.Parse<AlertSeverity>(reader.GetString(3)),
                    reader.GetString(4), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5)))));
            }

            return rows;
        }, cancellationToken);

        if (stored.Count == 0)
        {
            return;
        }

        lock (_lock)
        {
            var known = _queue.Where(q => q.StoredId is not null).Select(q => q.StoredId!.Value).ToHashSet();
            var loaded = stored.Where(s => !known.Contains(s.Id)).Select(s => new QueuedAlert(Interlocked.Increment(ref _sequence), s.Id, s.Alert)).ToList();
            _queue.InsertRange(0, loaded);
        }

        LogLoaded(_logger, stored.Count);
        await TrimAsync(cancellationToken);
        _signal.Release();
    }

    public async Task EnqueueAsync(Alert alert, CancellationToken cancellationToken)
    {
        var id = await _database.RunAsync<long?>("queue alert", null, async (connection, ct) =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = """
                INSERT INTO alert_outbox (key, kind, severity, text, created_at, next_attempt_at)
                VALUES ($key, $kind, $severity, $text, $at, $at) RETURNING id;
                """;
            command.Parameters.AddWithValue("$key", alert.Key);
            command.Parameters.AddWithValue("$kind", alert.Kind.ToString());
            command.Parameters.AddWithValue("$severity", alert.Severity.ToString());
            command.Parameters.AddWithValue("$text", alert.Text);
            command.Parameters.AddWithValue("$at", alert.CreatedAt.ToUnixTimeMilliseconds());
            return (long?)await command.ExecuteScalarAsync(ct);
        }, cancellationToken);

        lock (_lock)
        {
            _queue.Add(new QueuedAlert(Interlocked.Increment(ref _sequence), id, alert));
        }

        await TrimAsync(cancellationToken);
        _signal.Release();
    }

    public QueuedAlert? Peek()
    {
        lock (_lock)
        {
            return _queue.Count == 0 ? null : _queue[0];
        }
    }

    public IReadOnlyList<QueuedAlert> Snapshot()
    {
        lock (_lock)
        {
            return _queue.ToList();
        }
    }

    public int TakeDropped() => Interlocked.Exchange(ref _dropped, 0);

    /// <summary>Removes a delivered alert, or one given up on (<paramref name="dropped"/>, counted).</summary>
    public async Task RemoveAsync(QueuedAlert item, bool dropped, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_queue.RemoveAll(q => q.Sequence == item.Sequence) == 0)
            {
                return;
            }
        }

        if (dropped)
        {
            Interlocked.Increment(ref _dropped);
        }

        await DeleteAsync([item], cancellationToken);
    }

    public Task RecordFailureAsync(QueuedAlert item, string error, DateTimeOffset nextAttemptAt, CancellationToken cancellationToken) =>
        item.StoredId is not { } id ? Task.CompletedTask : _database.RunAsync("record alert delivery failure", 0, async (connection, ct) =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "UPDATE alert_outbox SET attempts = attempts + 1, last_error = $error, next_attempt_at = $next WHERE id = $id;";
            command.Parameters.AddWithValue("$error", error);
            command.Parameters.AddWithValue("$next", nextAttemptAt.ToUnixTimeMilliseconds());
            command.Parameters.AddWithValue("$id", id);
            return await command.ExecuteNonQueryAsync(ct);
        }, cancellationToken);

    /// <summary>Completes when there is something to send.</summary>
    public async Task WaitForAlertsAsync(CancellationToken cancellationToken)
    {
        while (Count == 0)
        {
            await _signal.WaitAsync(cancellationToken);
        }
    }

    private async Task TrimAsync(CancellationToken cancellationToken)
    {
        List<QueuedAlert> overflow;
        lock (_lock)
        {
            var excess = _queue.Count - _options.MaxQueued;
            if (excess <= 0)
            {
                return;
            }

            overflow = _queue.GetRange(0, excess);
            _queue.RemoveRange(0, excess);
        }

        Interlocked.Add(ref _dropped, overflow.Count);
        LogOverflow(_logger, overflow.Count, _options.MaxQueued);
        await DeleteAsync(overflow, cancellationToken);
    }

    private Task DeleteAsync(IReadOnlyList<QueuedAlert> items, CancellationToken cancellationToken)
    {
        var ids = items.Where(i => i.StoredId is not null).Select(i => i.StoredId!.Value).ToList();
        return ids.Count == 0 ? Task.CompletedTask : _database.RunAsync("remove queued alerts", 0, async (connection, ct) =>
        {
            var removed = 0;
            foreach (var id in ids)
            {
                using var command = connection.CreateCommand();
                command.CommandText = "DELETE FROM alert_outbox WHERE id = $id;";
                command.Parameters.AddWithValue("$id", id);
                removed += await command.ExecuteNonQueryAsync(ct);
            }

            return removed;
        }, cancellationToken);
    }

    [LoggerMessage(EventId = OpsBotEventIds.AlertOutboxLoaded, Level = LogLevel.Information, Message = "Alert outbox: {Count} alert(s) from the previous run are waiting for delivery")]
    private static partial void LogLoaded(ILogger logger, int count);

    [LoggerMessage(EventId = OpsBotEventIds.AlertOutboxOverflow, Level = LogLevel.Warning, Message = "Alert outbox full ({Max}): dropped the {Count} oldest alert(s)")]
    private static partial void LogOverflow(ILogger logger, int count, int max);

    /// <summary>Disposes <c>_signal</c>; the container calls this once the host has stopped.</summary>
    public void Dispose() => _signal.Dispose();
}
