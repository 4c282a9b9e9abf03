using OpsBot.History;

namespace OpsBot.Alerts;

public sealed partial class AlertPublisher(AlertOutbox outbox, AlertLogStore log, ILogger<AlertPublisher> logger) : IAlertPublisher
{
    private readonly AlertOutbox _outbox = outbox;
    private readonly AlertLogStore _log = log;
    private readonly ILogger<AlertPublisher> _logger = logger;

    public async Task PublishAsync(Alert alert, string? mutedBy, CancellationToken cancellationToken)
    {
        // The journal is the record of last resort: it gets every alert, posted or not.
        var level = alert.Kind == AlertKind.Resolved ? LogLevel.Information : alert.Severity switch
        {
            AlertSeverity.Critical => LogLevel.Error,
            AlertSeverity.Warning => LogLevel.Warning,
            _ => LogLevel.Information,
        };
        LogAlert(_logger, level, alert.Kind, alert.Key, alert.Severity, mutedBy ?? "no", alert.Text.ReplaceLineEndings(" | "));
        await _log.RecordAsync(alert, mutedBy, cancellationToken);
        if (mutedBy is null)
        {
            await _outbox.EnqueueAsync(alert, cancellationToken);
        }
    }

    [LoggerMessage(EventId = OpsBotEventIds.AlertPublisherAlert, Message = "alert {Kind} key={Key} severity={Severity} muted={MutedBy}: {Text}")]
    private static partial void LogAlert(ILogger logger, LogLevel level, AlertKind kind, string key, AlertSeverity severity, string mutedBy, string text);
}
