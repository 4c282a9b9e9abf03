namespace OpsBot.Cli;

/// <summary>
/// Writes progress lines as they are reported. Synchronous on purpose: <see cref="Progress{T}"/> posts to the
/// thread pool without a synchronization context, which would print steps out of order.
/// </summary>
public sealed class TerminalProgress : IProgress<string>
{
    private readonly TextWriter _output;
    private readonly IOpsRenderer<string> _renderer;
    private readonly TimeProvider _time;
    private readonly long _started;
    private readonly Lock _lock = new();

    public TerminalProgress(TextWriter output, IOpsRenderer<string> renderer, TimeProvider time)
    {
        _output = output;
        _renderer = renderer;
        _time = time;
        _started = time.GetTimestamp();
    }

    public void Report(string value)
    {
        lock (_lock)
        {
            _output.Write(_renderer.RenderSmokeProgress(value, _time.GetElapsedTime(_started)));
            _output.Flush();
        }
    }
}
