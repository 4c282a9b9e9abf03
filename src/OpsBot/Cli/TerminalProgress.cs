namespace OpsBot.Cli;

/// <summary>
/// Writes progress lines as they are reported and points the heartbeat at the step now running. Synchronous on
/// purpose: <see cref="Progress{T}"/> posts to the thread pool without a synchronization context, which would
/// print steps out of order.
/// </summary>
public sealed class TerminalProgress : IProgress<string>
{
    private readonly CliConsole _console;
    private readonly IOpsRenderer<string> _renderer;
    private readonly TimeProvider _time;
    private readonly Heartbeat? _heartbeat;
    private readonly long _started;

    public TerminalProgress(CliConsole console, IOpsRenderer<string> renderer, TimeProvider time, Heartbeat? heartbeat = null)
    {
        _console = console;
        _renderer = renderer;
        _time = time;
        _heartbeat = heartbeat;
        _started = time.GetTimestamp();
    }

    public void Report(string value)
    {
        _console.WriteResult(_renderer.RenderSmokeProgress(value, _time.GetElapsedTime(_started)));
        _heartbeat?.Step(value.EndsWith("running…", StringComparison.Ordinal) ? value[..^"running…".Length].TrimEnd(' ', ':') : value);
    }
}
