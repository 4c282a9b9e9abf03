using Microsoft.Extensions.Logging;

namespace OpsBot.Discord.Commands;

/// <summary>
/// Turns progress lines into message edits without queueing one edit per line: while an edit is in flight, new lines
/// pile up and the next edit shows all of them. Edits run in order and never overlap.
/// </summary>
public sealed partial class ProgressMessage(Func<IReadOnlyList<string>, CancellationToken, Task> render, ILogger logger, CancellationToken cancellationToken) : IProgress<string>
{
    private readonly Lock _lock = new();
    private readonly List<string> _lines = [];
    private long _version;
    private long _rendered;
    private Task _pump = Task.CompletedTask;
    private bool _running;

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lock)
            {
                return [.. _lines];
            }
        }
    }

    public void Report(string value)
    {
        lock (_lock)
        {
            _lines.Add(value);
            _version++;
            if (_running)
            {
                return;
            }

            _running = true;
            _pump = Task.Run(PumpAsync);
        }
    }

    /// <summary>Waits until every reported line has been rendered (or failed to render).</summary>
    public Task FlushAsync()
    {
        lock (_lock)
        {
            return _pump;
        }
    }

    private async Task PumpAsync()
    {
        while (true)
        {
            IReadOnlyList<string> snapshot;
            long version;
            lock (_lock)
            {
                if (_rendered == _version || cancellationToken.IsCancellationRequested)
                {
                    _running = false;
                    return;
                }

                snapshot = [.. _lines];
                version = _version;
            }

            try
            {
                await render(snapshot, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Progress is cosmetic; the final result edit is what matters.
                Log.RenderFailed(logger, ex.GetType().Name);
            }
            catch (OperationCanceledException)
            {
            }

            lock (_lock)
            {
                _rendered = version;
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = OpsBotEventIds.ProgressMessageRenderFailed, Level = LogLevel.Debug, Message = "Discord progress edit failed ({Error}); continuing.")]
        public static partial void RenderFailed(ILogger logger, string error);
    }
}
