namespace OpsBot.Alerts;

/// <summary>
/// Used until a real sink (the Discord alert channel) is registered: alerts are already in the journal
/// and in history, so this only notes that nobody was notified.
/// </summary>
public sealed partial class LogOnlyAlertSink : IAlertSink
{
    private readonly ILogger<LogOnlyAlertSink> _logger;

    public LogOnlyAlertSink(ILogger<LogOnlyAlertSink> logger) => _logger = logger;

    public Task SendAsync(OutgoingAlert alert, CancellationToken cancellationToken)
    {
        LogNotPosted(_logger, alert.Key, alert.Kind);
        return Task.CompletedTask;
    }

    [LoggerMessage(EventId = OpsBotEventIds.LogOnlyAlertSinkNotPosted, Level = LogLevel.Debug, Message = "Alert {Key} {Kind} not posted anywhere: no alert sink is configured")]
    private static partial void LogNotPosted(ILogger logger, string key, AlertKind kind);
}
