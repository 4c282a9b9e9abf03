using Microsoft.Extensions.Options;
using OpsBot.History;
using OpsBot.Ops;
using OpsBot.Ops.Monitoring;

namespace OpsBot.Alerts;

/// <summary>
/// Turns monitor transitions into alerts, one incident per (service, target, check): two gateways' outages are two
/// incidents, each alert naming its target ("gateway `gw-b`"); the one unnamed target reads as the service alone. Keeps the truth (current
/// state, history incidents) apart from what was announced, and reconciles the two when allowed:
/// repeated states are ignored, a flapping check posts only problems that last, silences and
/// maintenance hold posts back, and whatever is still wrong when they end is posted then. Silences and maintenance are
/// per service, so they cover all of its targets.
/// </summary>
public sealed partial class HealthAlertTracker : IAlertEvaluator, IDisposable
{
    private readonly IAlertPublisher _publisher;
    private readonly IIncidentStore _incidents;
    private readonly AlertSuppressions _mutes;
    private readonly HealthAlertOptions _options;
    private readonly ILogger<HealthAlertTracker> _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<CheckKey, CheckState> _checks = [];

    public HealthAlertTracker(IAlertPublisher publisher, IIncidentStore incidents, AlertSuppressions mutes, IOptions<AlertOptions> options, ILogger<HealthAlertTracker> logger)
    {
        _publisher = publisher;
        _incidents = incidents;
        _mutes = mutes;
        _options = options.Value.Health;
        _logger = logger;
    }

    /// <summary>Every health incident's key starts with this.</summary>
    public const string KeyPrefix = "health:";

    /// <summary><c>health:Gateway:status</c>, or <c>health:Gateway/gw-b:status</c> for a named target (names have no <c>:</c> or <c>/</c>).</summary>
    public static string KeyOf(StackService service, string check, string? target = null) =>
        target is null ? $"{KeyPrefix}{service}:{check}" : $"{KeyPrefix}{service}/{target}:{check}";

    private static bool TryParseKey(string key, out CheckKey parsed)
    {
        parsed = default;
        var parts = key.Split(':', 3);
        if (parts.Length != 3)
        {
            return false;
        }

        var serviceAndTarget = parts[1].Split('/', 2);
        if (!Enum.TryParse<StackService>(serviceAndTarget[0], out var service))
        {
            return false;
        }

        parsed = new CheckKey(service, serviceAndTarget.Length == 2 ? serviceAndTarget[1] : null, parts[2]);
        return true;
    }

    /// <summary>
    /// Takes over the health incidents a previous run left open (one outage, one incident): each continues as announced,
    /// so the first probe round after start that sees the same state posts nothing, one that sees the service healthy
    /// resolves it (and posts the resolve), and one that cannot tell (unknown) closes it quietly as before.
    /// Call before the first transition.
    /// </summary>
    public async Task<int> RestoreAsync(CancellationToken cancellationToken)
    {
        var open = await _incidents.GetOpenAsync(KeyPrefix, cancellationToken) ?? [];
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var restored = 0;
            foreach (var incident in open)
            {
                if (!TryParseKey(incident.Key, out var key) || _checks.ContainsKey(key))
                {
                    continue;
                }

                var state = incident.IsOutage || incident.Severity == AlertSeverity.Critical ? HealthState.Down : HealthState.Degraded;
                _checks[key] = new CheckState
                {
                    State = state,
                    Summary = incident.Detail ?? "",
                    Since = incident.OpenedAt,
                    IncidentId = incident.Id,
                    Occurrences = incident.Occurrences,
                    Announced = true,
                    AnnouncedState = state,
                    Restored = true,
                };
                restored++;
                LogRestored(_logger, incident.Id, key.Display, key.Check, state, incident.OpenedAt);
            }

            return restored;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task OnTransitionAsync(HealthTransition transition, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var key = new CheckKey(transition.Service, transition.Target, transition.Check);
            if (!_checks.TryGetValue(key, out var check))
            {
                check = new CheckState();
                _checks.Add(key, check);
            }

            if (transition.IsEvent)
            {
                await OnEventAsync(transition, check, cancellationToken);
                return;
            }

            if (check.Restored)
            {
                check.Restored = false;
                if (transition.To == HealthState.Unknown && check.IncidentId is { } unknownId)
                {
                    // The first look after the restart cannot tell: close it as a restart always did, without a post.
                    await _incidents.ResolveAsync(unknownId, transition.At, check.Occurrences, cancellationToken);
                    _checks.Remove(key);
                    LogRestoredClosed(_logger, unknownId, key.Display, transition.Check);
                    return;
                }
            }

            // "Could not tell" changes nothing we know; the monitor reports Down/Degraded when it means it.
            if (transition.To == check.State || transition.To == HealthState.Unknown)
            {
                check.Summary = transition.Summary;
                return;
            }

            var wasProblem = check.IsProblem;
            var previous = check.State;
            check.State = transition.To;
            check.Summary = transition.Summary;
            var target = AlertTargets.ForService(transition.Service);
            if (check.IsProblem && !wasProblem)
            {
                check.Since = transition.At;
                check.IncidentId = await _incidents.OpenAsync(new IncidentOpening(key.Key, transition.Service, Severity(transition.To),
                    $"{key.Name} {transition.Check} {transition.To.ToString().ToLowerInvariant()}", transition.Summary, transition.At,
                    IsOutage: transition.To == HealthState.Down, DuringMaintenance: _mutes.InMaintenance(target, transition.At)), cancellationToken);
            }
            else if (check.IsProblem && check.IncidentId is { } openId)
            {
                await _incidents.UpdateAsync(openId, (AlertSeverity)Math.Max((int)Severity(previous), (int)Severity(transition.To)), check.Occurrences, transition.To == HealthState.Down, cancellationToken);
            }
            else if (!check.IsProblem)
            {
                if (check.IncidentId is { } closedId)
                {
                    await _incidents.ResolveAsync(closedId, transition.At, check.Occurrences, cancellationToken);
                }

                check.IncidentId = null;
                check.ProblemEndedAt = transition.At;
                if (!check.Announced && !check.RecordedMuted)
                {
                    // Came and went unposted because the check is flapping: count it for the next message.
                    // (One that was muted is in history already; a planned restart is no news afterwards.)
                    check.UnpostedBlips++;
                }

                check.RecordedMuted = false;
            }

            await ReconcileAsync(key, check, transition.At, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task EvaluateAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            foreach (var (key, check) in _checks)
            {
                await ReconcileAsync(key, check, now, cancellationToken);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task ReconcileAsync(CheckKey checkKey, CheckState check, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var (service, name, key) = (checkKey.Name, checkKey.Check, checkKey.Key);
        var target = AlertTargets.ForService(checkKey.Service);
        if (_mutes.MutedBy(target, now) is { } mutedBy)
        {
            if (check.IsProblem && !check.Announced && !check.RecordedMuted)
            {
                check.RecordedMuted = true;
                await _publisher.PublishAsync(ProblemAlert(key, service, name, check, AlertKind.Raised, now), mutedBy, cancellationToken);
            }

            return;
        }

        if (check.IsProblem)
        {
            if (!check.Announced)
            {
                var flapping = check.LastRaiseAt is { } lastRaise && now - lastRaise < _options.ThrottleInterval;
                if (flapping && now - check.Since < _options.ConfirmAfter)
                {
                    return;
                }

                await _publisher.PublishAsync(ProblemAlert(key, service, name, check, AlertKind.Raised, now), null, cancellationToken);
                check.Announced = true;
                check.AnnouncedState = check.State;
                check.LastRaiseAt = now;
                check.UnpostedBlips = 0;
                check.RecordedMuted = false;
            }
            else if (check.State != check.AnnouncedState)
            {
                var kind = check.State > check.AnnouncedState ? AlertKind.Escalated : AlertKind.Update;
                await _publisher.PublishAsync(ProblemAlert(key, service, name, check, kind, now), null, cancellationToken);
                check.AnnouncedState = check.State;
            }

            return;
        }

        if (check.Announced)
        {
            var text = $"✅ **Resolved: {service} {name}** is healthy again after {AlertText.Duration((check.ProblemEndedAt ?? now) - check.Since)} "
                + $"(was {check.AnnouncedState.ToString().ToLowerInvariant()} since {AlertText.Time(check.Since)}).\n{check.Summary}";
            await _publisher.PublishAsync(new Alert(key, AlertKind.Resolved, Severity(check.AnnouncedState), AlertText.Fit(text), now), null, cancellationToken);
            check.Announced = false;
            check.UnpostedBlips = 0;
        }
        else if (check.UnpostedBlips > 0 && (check.LastRaiseAt is not { } lastRaise || now - lastRaise >= _options.ThrottleInterval))
        {
            var text = $"⚠️ **{service} {name} flapped**: {AlertText.Plural(check.UnpostedBlips, "short problem", "short problems")} not posted one by one "
                + $"(last ended {AlertText.Time(check.ProblemEndedAt ?? now)}); healthy now.\n{check.Summary}";
            await _publisher.PublishAsync(new Alert(key, AlertKind.Notice, AlertSeverity.Warning, AlertText.Fit(text), now), null, cancellationToken);
            check.UnpostedBlips = 0;
            check.LastRaiseAt = now;
        }
    }

    private async Task OnEventAsync(HealthTransition transition, CheckState check, CancellationToken cancellationToken)
    {
        var checkKey = new CheckKey(transition.Service, transition.Target, transition.Check);
        var key = checkKey.Key;
        var mutedBy = _mutes.MutedBy(AlertTargets.ForService(transition.Service), transition.At);
        if (mutedBy is null && check.LastRaiseAt is { } last && transition.At - last < _options.ThrottleInterval)
        {
            check.UnpostedBlips++;
            LogEventThrottled(_logger, checkKey.Display, transition.Check, check.UnpostedBlips);
            return;
        }

        var repeats = check.UnpostedBlips > 0 ? $" ({AlertText.Plural(check.UnpostedBlips, "earlier time", "earlier times")} in the last {AlertText.Duration(_options.ThrottleInterval)} not posted)" : "";
        var text = $"{AlertText.Icon(AlertKind.Notice, Severity(transition.To))} **{checkKey.Name} {transition.Check}**: {transition.Summary}{repeats}";
        await _publisher.PublishAsync(new Alert(key, AlertKind.Notice, AlertSeverity.Warning, AlertText.Fit(text), transition.At), mutedBy, cancellationToken);
        if (mutedBy is null)
        {
            check.LastRaiseAt = transition.At;
            check.UnpostedBlips = 0;
        }
    }

    // Created now, not at Since: a post held back by maintenance or confirmation is not "delayed" delivery.
    /// <param name="service">The service (and target) as the alert names it: "gateway", "gateway `gw-b`".</param>
    private static Alert ProblemAlert(string key, string service, string name, CheckState check, AlertKind kind, DateTimeOffset now)
    {
        var severity = Severity(check.State);
        var verb = kind switch
        {
            AlertKind.Escalated => "got worse",
            AlertKind.Update => "changed",
            _ => "",
        };
        var blips = check.UnpostedBlips > 0 ? $"\nIt flapped before: {AlertText.Plural(check.UnpostedBlips, "short problem", "short problems")} not posted." : "";
        var text = $"{AlertText.Icon(kind, severity)} **{service} {name}: {check.State.ToString().ToLowerInvariant()}**{(verb.Length > 0 ? $" ({verb})" : "")} since {AlertText.Time(check.Since)}.\n{check.Summary}{blips}";
        return new Alert(key, kind, severity, AlertText.Fit(text), now);
    }

    private static AlertSeverity Severity(HealthState state) => state switch
    {
        HealthState.Down => AlertSeverity.Critical,
        HealthState.Healthy => AlertSeverity.Info,
        _ => AlertSeverity.Warning,
    };

    /// <summary>One check of one target of a service: what an incident and its alerts are about.</summary>
    private readonly record struct CheckKey(StackService Service, string? Target, string Check)
    {
        /// <summary>The incident and alert key (<see cref="KeyOf"/>): two targets' alerts never merge.</summary>
        public string Key => KeyOf(Service, Check, Target);

        /// <summary>As alerts name it: "gateway", "gateway `gw-b`".</summary>
        public string Name => StackServiceNames.Of(Service, Target);

        /// <summary>As logs name it: "gateway gw-b".</summary>
        public string Display => StackServiceNames.Plain(Service, Target);
    }

    private sealed class CheckState
    {
        public HealthState State { get; set; } = HealthState.Healthy;

        public bool IsProblem => State != HealthState.Healthy;

        public string Summary { get; set; } = "";

        public DateTimeOffset Since { get; set; }

        public DateTimeOffset? ProblemEndedAt { get; set; }

        public long? IncidentId { get; set; }

        public bool Announced { get; set; }

        public HealthState AnnouncedState { get; set; }

        public DateTimeOffset? LastRaiseAt { get; set; }

        public int UnpostedBlips { get; set; }

        public bool RecordedMuted { get; set; }

        /// <summary>Taken over from the previous run and not yet seen by this one's monitors.</summary>
        public bool Restored { get; set; }

        public int Occurrences { get; set; } = 1;
    }

    [LoggerMessage(EventId = OpsBotEventIds.HealthAlertTrackerRestored, Level = LogLevel.Information,
        Message = "Incident {IncidentId} ({Service} {Check} {State} since {Since}) was open when OpsBot stopped; it continues unless the first probe round sees otherwise")]
    private static partial void LogRestored(ILogger logger, long incidentId, string service, string check, HealthState state, DateTimeOffset since);

    [LoggerMessage(EventId = OpsBotEventIds.HealthAlertTrackerRestoredClosed, Level = LogLevel.Information,
        Message = "Incident {IncidentId} ({Service} {Check}) closed: its state is unknown after the restart")]
    private static partial void LogRestoredClosed(ILogger logger, long incidentId, string service, string check);

    [LoggerMessage(EventId = OpsBotEventIds.HealthAlertTrackerEventThrottled, Level = LogLevel.Information, Message = "{Service} {Check} event throttled ({Count} not posted)")]
    private static partial void LogEventThrottled(ILogger logger, string service, string check, int count);

    /// <summary>Disposes <c>_gate</c>; the container calls this once the host has stopped.</summary>
    public void Dispose() => _gate.Dispose();
}
