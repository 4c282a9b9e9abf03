using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpsBot.Alerts;
using OpsBot.Components;

namespace OpsBot.Discord;

/// <summary>
/// Whether Discord can be reached, as the gateway and the REST client see it, and the <c>discord</c> component's state.
/// While Discord is away every retry stays out of the journal: one warning when the outage starts, a summary every
/// <see cref="DiscordOptions.OutageSummaryInterval"/> ("Discord unreachable for 10 min, 37 attempts, alerts queued: 3"),
/// one line when it is back.
/// </summary>
public sealed partial class DiscordConnectivity
{
    private readonly ComponentStates _states;
    private readonly IDiscordBacklog[] _backlogs;
    private readonly TimeSpan _summaryInterval;
    private readonly TimeProvider _time;
    private readonly ILogger<DiscordConnectivity> _logger;
    private readonly Lock _lock = new();
    private DateTimeOffset? _downSince;
    private DateTimeOffset _nextSummary;
    private int _attempts;
    private string _lastError = "";
    private bool _gatewayConnected;

    public DiscordConnectivity(ComponentStates states, IEnumerable<IDiscordBacklog> backlogs, IOptions<DiscordOptions> options, TimeProvider time, ILogger<DiscordConnectivity> logger)
    {
        _states = states;
        _backlogs = [.. backlogs];
        _summaryInterval = options.Value.OutageSummaryInterval;
        _time = time;
        _logger = logger;
    }

    /// <summary>The gateway session is live (READY or RESUMED).</summary>
    public void GatewayConnected()
    {
        lock (_lock)
        {
            _gatewayConnected = true;
            EndOutage();
            _states.Report(ComponentNames.Discord, ComponentState.Running);
        }
    }

    /// <summary>The gateway connection ended; reconnecting follows.</summary>
    public void GatewayDisconnected(string reason)
    {
        lock (_lock)
        {
            _gatewayConnected = false;
            if (_downSince is null)
            {
                _states.Report(ComponentNames.Discord, ComponentState.Starting, $"reconnecting to Discord ({reason})");
            }
        }
    }

    /// <summary>Discord answered a REST call (any HTTP answer from Discord itself).</summary>
    public void RestAnswered()
    {
        lock (_lock)
        {
            EndOutage();
        }
    }

    /// <summary>One attempt to reach Discord failed (a gateway connect, a REST call after its retries).</summary>
    public void AttemptFailed(string what, string error)
    {
        lock (_lock)
        {
            var now = _time.GetUtcNow();
            _attempts++;
            _lastError = $"{what}: {error}";
            if (_downSince is not { } since)
            {
                _downSince = now;
                _nextSummary = now + _summaryInterval;
                LogUnreachable(_logger, _lastError, _summaryInterval);
            }
            else if (now >= _nextSummary)
            {
                _nextSummary = now + _summaryInterval;
                LogStillUnreachable(_logger, AlertText.Duration(now - since), _attempts, Backlog(), _lastError);
            }

            _states.Report(ComponentNames.Discord, ComponentState.Degraded,
                $"Discord unreachable since {_downSince:HH:mm:ss} UTC ({_attempts} failed attempts); last error: {_lastError}");
        }
    }

    /// <summary>Discord refused the bot for good (bad token, bad intents): no more attempts until OpsBot restarts.</summary>
    public void Stopped(string reason)
    {
        lock (_lock)
        {
            _gatewayConnected = false;
            _states.Report(ComponentNames.Discord, ComponentState.Failed, reason);
        }
    }

    private void EndOutage()
    {
        if (_downSince is not { } since)
        {
            return;
        }

        LogReachableAgain(_logger, AlertText.Duration(_time.GetUtcNow() - since), _attempts);
        _downSince = null;
        _attempts = 0;
        _states.Report(ComponentNames.Discord, _gatewayConnected ? ComponentState.Running : ComponentState.Starting, "reconnecting to Discord");
    }

    private string Backlog() =>
        _backlogs.Length == 0 ? "" : ", " + string.Join(", ", _backlogs.Select(b => $"{b.Name}: {b.Count}"));

    [LoggerMessage(EventId = OpsBotEventIds.DiscordConnectivityUnreachable, Level = LogLevel.Warning,
        Message = "Discord unreachable ({Error}); retrying with backoff, one summary every {Interval} until it is back. Proxy, monitors and alerts (queued) keep running.")]
    private static partial void LogUnreachable(ILogger logger, string error, TimeSpan interval);

    [LoggerMessage(EventId = OpsBotEventIds.DiscordConnectivityStillUnreachable, Level = LogLevel.Warning,
        Message = "Discord unreachable for {Duration}, {Attempts} attempts{Backlog}; last error: {Error}")]
    private static partial void LogStillUnreachable(ILogger logger, string duration, int attempts, string backlog, string error);

    [LoggerMessage(EventId = OpsBotEventIds.DiscordConnectivityReachableAgain, Level = LogLevel.Information, Message = "Discord reachable again after {Duration} ({Attempts} failed attempts)")]
    private static partial void LogReachableAgain(ILogger logger, string duration, int attempts);
}
