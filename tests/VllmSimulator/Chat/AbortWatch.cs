namespace OpsBot.VllmSimulator.Chat;

/// <summary>
/// Turns RequestAborted into a recorded client abort, except when the simulator itself reset the connection
/// (Drop, restart), which is not something the client did.
/// </summary>
internal sealed class AbortWatch(RecordedRequest record, SimulatorState state)
{
    private volatile bool _selfInflicted;

    public bool ClientAborted { get; private set; }

    public CancellationTokenRegistration Watch(CancellationToken requestAborted) =>
        requestAborted.UnsafeRegister(static s => ((AbortWatch)s!).OnAborted(), this);

    public void MarkSelfInflicted() => _selfInflicted = true;

    private void OnAborted()
    {
        if (_selfInflicted)
        {
            return;
        }

        ClientAborted = true;
        if (record.MarkAborted(state.Time.GetUtcNow()))
        {
            state.Aborts.Writer.TryWrite(record);
        }
    }
}
