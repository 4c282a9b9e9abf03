using System.Globalization;
using Microsoft.Extensions.Options;
using OpsBot.Ops;

namespace OpsBot.Alerts;

/// <summary>Silences (admins) and maintenance windows (the restart flow): decides whether a target's alerts are held back now.</summary>
public sealed partial class AlertSuppressions : IAlertSilenceService, IMaintenanceWindow
{
    private readonly IAlertPublisher _publisher;
    private readonly AlertOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<AlertSuppressions> _logger;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, ActiveSilence> _silences = new(StringComparer.Ordinal);
    private readonly List<Maintenance> _maintenance = [];
    private long _nextMaintenanceId;

    public AlertSuppressions(IAlertPublisher publisher, IOptions<AlertOptions> options, TimeProvider time, ILogger<AlertSuppressions> logger)
    {
        _publisher = publisher;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    /// <summary>Why <paramref name="target"/>'s alerts are held back at <paramref name="now"/>, or null when they are not.</summary>
    public string? MutedBy(AlertTarget target, DateTimeOffset now)
    {
        lock (_lock)
        {
            Prune(now);
            if (FindMaintenance(target) is { } maintenance)
            {
                return $"maintenance: {maintenance.Reason}";
            }

            var silence = _silences.GetValueOrDefault(AlertTargets.Name(target)) ?? _silences.GetValueOrDefault(AlertTargets.All);
            return silence is null ? null : $"silenced by {silence.RequestedBy} until {silence.Until.ToString("HH:mm", CultureInfo.InvariantCulture)} UTC";
        }
    }

    /// <summary>True while a maintenance window (or its grace) covers <paramref name="target"/>: failures then are expected, not incidents.</summary>
    public bool InMaintenance(AlertTarget target, DateTimeOffset now)
    {
        lock (_lock)
        {
            Prune(now);
            return FindMaintenance(target) is not null;
        }
    }

    public async Task<SilenceResult> SilenceAsync(string target, int minutes, string requestedBy, CancellationToken cancellationToken)
    {
        if (!AlertTargets.TryParse(target, out var parsed))
        {
            return new SilenceResult(false, $"Unknown target '{target}'. Use one of: {string.Join(", ", AlertTargets.Names)}.");
        }

        if (minutes < 1 || minutes > _options.MaxSilenceMinutes)
        {
            return new SilenceResult(false, $"Minutes must be between 1 and {_options.MaxSilenceMinutes} (got {minutes}).");
        }

        var now = _time.GetUtcNow();
        var silence = new ActiveSilence(parsed, now, now.AddMinutes(minutes), requestedBy);
        lock (_lock)
        {
            _silences[AlertTargets.Name(parsed)] = silence;
        }

        var name = AlertTargets.Name(parsed);
        var message = $"🔕 {Describe(parsed)} silenced for {minutes} min by {requestedBy} (until {silence.Until.ToString("HH:mm", CultureInfo.InvariantCulture)} UTC). Alerts are still logged and recorded.";
        LogSilenced(_logger, name, minutes, requestedBy);
        await _publisher.PublishAsync(new Alert($"silence:{name}", AlertKind.Notice, AlertSeverity.Info, message, now), mutedBy: null, cancellationToken);
        return new SilenceResult(true, message);
    }

    public async Task<SilenceResult> UnsilenceAsync(string target, string requestedBy, CancellationToken cancellationToken)
    {
        if (!AlertTargets.TryParse(target, out var parsed))
        {
            return new SilenceResult(false, $"Unknown target '{target}'. Use one of: {string.Join(", ", AlertTargets.Names)}.");
        }

        var name = AlertTargets.Name(parsed);
        bool removed;
        lock (_lock)
        {
            removed = _silences.Remove(name);
        }

        if (!removed)
        {
            return new SilenceResult(false, $"There is no silence on {Describe(parsed)}.");
        }

        var message = $"🔔 {Describe(parsed)} unsilenced by {requestedBy}.";
        LogUnsilenced(_logger, name, requestedBy);
        await _publisher.PublishAsync(new Alert($"silence:{name}", AlertKind.Notice, AlertSeverity.Info, message, _time.GetUtcNow()), mutedBy: null, cancellationToken);
        return new SilenceResult(true, message);
    }

    public IReadOnlyList<ActiveSilence> GetActiveSilences()
    {
        lock (_lock)
        {
            Prune(_time.GetUtcNow());
            return _silences.Values.OrderBy(s => s.Until).ToList();
        }
    }

    public IDisposable Begin(StackService service, string reason)
    {
        var now = _time.GetUtcNow();
        long id;
        lock (_lock)
        {
            id = ++_nextMaintenanceId;
            _maintenance.Add(new Maintenance(id, service, reason, now, now + _options.Health.MaxMaintenance));
        }

        LogMaintenanceBegun(_logger, service, reason);
        return new MaintenanceHandle(() => End(id));
    }

    public IReadOnlyList<MaintenancePeriod> GetActiveMaintenance()
    {
        lock (_lock)
        {
            Prune(_time.GetUtcNow());
            return _maintenance.Select(m => new MaintenancePeriod(m.Service, m.Reason, m.Since, m.ExpiresAt)).ToList();
        }
    }

    private void End(long id)
    {
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            var index = _maintenance.FindIndex(m => m.Id == id);
            if (index < 0)
            {
                return;
            }

            var ended = _maintenance[index] with { EndedAt = now };
            _maintenance[index] = ended;
            LogMaintenanceEnded(_logger, ended.Service, ended.Reason, _options.Health.MaintenanceGrace);
        }
    }

    private void Prune(DateTimeOffset now)
    {
        _maintenance.RemoveAll(m => now >= Min(m.EndedAt ?? DateTimeOffset.MaxValue, m.ExpiresAt) + _options.Health.MaintenanceGrace);
        foreach (var key in _silences.Where(s => now >= s.Value.Until).Select(s => s.Key).ToList())
        {
            _silences.Remove(key);
        }
    }

    // Any restart makes agents fail to answer for a moment, so no-reply waits for every window.
    private Maintenance? FindMaintenance(AlertTarget target) =>
        _maintenance.FirstOrDefault(m => target == AlertTarget.NoReply || AlertTargets.ForService(m.Service) == target);

    // The same words /status uses for a silence ("vLLM alerts"), opening a sentence here.
    // The words /status uses for a silence ("vLLM alerts"), so a silence reads the same everywhere.
    private static string Describe(AlertTarget? target) => AlertTargets.Describe(target);

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private sealed record Maintenance(long Id, StackService Service, string Reason, DateTimeOffset Since, DateTimeOffset ExpiresAt, DateTimeOffset? EndedAt = null);

    [LoggerMessage(EventId = OpsBotEventIds.AlertSuppressionsSilenced, Level = LogLevel.Information, Message = "Alerts for {Target} silenced for {Minutes} min by {RequestedBy}")]
    private static partial void LogSilenced(ILogger logger, string target, int minutes, string requestedBy);

    [LoggerMessage(EventId = OpsBotEventIds.AlertSuppressionsUnsilenced, Level = LogLevel.Information, Message = "Alerts for {Target} unsilenced by {RequestedBy}")]
    private static partial void LogUnsilenced(ILogger logger, string target, string requestedBy);

    [LoggerMessage(EventId = OpsBotEventIds.AlertSuppressionsMaintenanceBegun, Level = LogLevel.Information, Message = "Maintenance of {Service} begins: {Reason}")]
    private static partial void LogMaintenanceBegun(ILogger logger, StackService service, string reason);

    [LoggerMessage(EventId = OpsBotEventIds.AlertSuppressionsMaintenanceEnded, Level = LogLevel.Information, Message = "Maintenance of {Service} ended ({Reason}); alerts resume after {Grace}")]
    private static partial void LogMaintenanceEnded(ILogger logger, StackService service, string reason, TimeSpan grace);
}
