using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpsBot.Ops.Configuration;

namespace OpsBot.Ops.Restarts;

/// <summary>Bounded in-memory audit log that also writes each entry to the application log.</summary>
public sealed partial class InMemoryRestartAuditLog : IRestartAuditLog
{
    private readonly Lock _gate = new();
    private readonly LinkedList<RestartAuditEntry> _entries = new();
    private readonly int _capacity;
    private readonly ILogger<InMemoryRestartAuditLog> _logger;

    public InMemoryRestartAuditLog(IOptions<RestartOptions> options, ILogger<InMemoryRestartAuditLog> logger)
    {
        _capacity = options.Value.AuditCapacity;
        _logger = logger;
    }

    public Task RecordAsync(RestartAuditEntry entry, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _entries.AddFirst(entry);
            while (_entries.Count > _capacity)
            {
                _entries.RemoveLast();
            }
        }

        LogEntry(entry.Service, entry.RequestedBy, entry.StartedAt, entry.Succeeded ? "succeeded" : "failed",
            entry.Elapsed.TotalSeconds, entry.TimeToHealthy?.TotalSeconds, entry.Message);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<RestartAuditEntry>> GetRecentAsync(int count, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<RestartAuditEntry>>(_entries.Take(count).ToArray());
        }
    }

    [LoggerMessage(EventId = OpsBotEventIds.InMemoryRestartAuditLogEntry, Level = LogLevel.Information,
        Message = "Restart audit: {Service} by {RequestedBy} at {RequestedAt:o} {Outcome} in {ElapsedSeconds:0.0} s (healthy after {HealthySeconds} s): {Message}")]
    private partial void LogEntry(StackService service, string requestedBy, DateTimeOffset requestedAt, string outcome, double elapsedSeconds, double? healthySeconds, string message);
}
