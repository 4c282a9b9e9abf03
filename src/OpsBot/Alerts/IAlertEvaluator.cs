namespace OpsBot.Alerts;

/// <summary>A tracker with time-based decisions (resolve after quiet, periodic counts, silences ending), called by <see cref="AlertTicker"/>.</summary>
public interface IAlertEvaluator
{
    Task EvaluateAsync(DateTimeOffset now, CancellationToken cancellationToken);
}
