namespace OpsBot.History;

/// <summary>What /history shows.</summary>
public enum HistoryKind
{
    All,
    Incidents,
    Alerts,
    Restarts,
    SmokeTests,
    Traffic,
}
