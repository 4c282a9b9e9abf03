namespace OpsBot.History;

/// <summary>Whether history is being recorded, for /status and check-config.</summary>
public sealed record HistoryHealth(HistoryState State, string DatabasePath, string? Problem)
{
    public bool IsAvailable => State == HistoryState.Available;
}
