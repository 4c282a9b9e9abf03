using System.Globalization;

namespace OpsBot.Cli;

/// <summary>
/// Says "still working" while a long step is silent: once a second, after the first second, a live line on
/// standard error with what is being waited for and for how long. Only on a terminal (see
/// <see cref="CliConsole.ShowLive"/>); cleared when the step ends or when output is written.
/// </summary>
public sealed class Heartbeat : IDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly CliConsole _console;
    private readonly TimeProvider _time;
    private readonly ITimer? _timer;
    private readonly Lock _lock = new();
    private string _step;
    private long _stepStarted;
    private bool _stopped;

    public Heartbeat(CliConsole console, TimeProvider time, string step)
    {
        _console = console;
        _time = time;
        _step = step;
        _stepStarted = time.GetTimestamp();
        if (console.ErrorIsTerminal)
        {
            _timer = time.CreateTimer(_ => Beat(), null, Interval, Interval);
        }
    }

    /// <summary>A new step starts: the live line names it and counts from now.</summary>
    public void Step(string step)
    {
        lock (_lock)
        {
            _step = step;
            _stepStarted = _time.GetTimestamp();
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _stopped = true;
        }

        _timer?.Dispose();
        _console.ClearLive();
    }

    private void Beat()
    {
        lock (_lock)
        {
            var seconds = (int)_time.GetElapsedTime(_stepStarted).TotalSeconds;
            if (_stopped || seconds < 1)
            {
                return;
            }

            _console.ShowLive(string.Create(CultureInfo.InvariantCulture, $"… {_step} ({seconds} s)"));
        }
    }
}
