namespace OpsBot.History;

public interface ISmokeTestHistory
{
    Task RecordAsync(SmokeTestRecord record, CancellationToken cancellationToken);
}
