namespace OpsBot.Alerts;

/// <summary>Ends its maintenance window once, however often it is disposed.</summary>
internal sealed class MaintenanceHandle : IDisposable
{
    private Action? _end;

    public MaintenanceHandle(Action end) => _end = end;

    public void Dispose() => Interlocked.Exchange(ref _end, null)?.Invoke();
}
