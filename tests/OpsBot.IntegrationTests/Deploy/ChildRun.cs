using System.Diagnostics;
using System.Text;

namespace OpsBot.IntegrationTests.Deploy;

/// <summary>
/// A wrapper shell running opsbot as its child (first output line <c>child=PID</c>). Collects output,
/// signals the child, and never leaves it running after the test.
/// </summary>
public sealed class ChildRun : IAsyncDisposable
{
    private readonly Process _wrapper;
    private readonly StringBuilder _output = new();
    private readonly Lock _lock = new();
    private readonly TaskCompletionSource<int> _childPid = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ChildRun(Process wrapper)
    {
        _wrapper = wrapper;
        _wrapper.OutputDataReceived += (_, e) => Append(e.Data);
        _wrapper.ErrorDataReceived += (_, e) => Append(e.Data);
        _wrapper.BeginOutputReadLine();
        _wrapper.BeginErrorReadLine();
    }

    public string Output
    {
        get
        {
            lock (_lock)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>SIGTERM to opsbot itself, as systemd's KillSignal does.</summary>
    public void Terminate() => Signal("-TERM");

    public async Task<int> WaitForExitAsync(TimeSpan limit)
    {
        using var timeout = new CancellationTokenSource(limit);
        await _wrapper.WaitForExitAsync(timeout.Token);
        return _wrapper.ExitCode;
    }

    public async Task<bool> WaitForOutputAsync(string text, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (DateTime.UtcNow < deadline)
        {
            if (Output.Contains(text, StringComparison.Ordinal))
            {
                return true;
            }

            await Task.Delay(100);
        }

        return false;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_wrapper.HasExited)
        {
            Signal("-KILL");
            _wrapper.Kill(entireProcessTree: true);
            await _wrapper.WaitForExitAsync();
        }

        _wrapper.Dispose();
    }

    private void Signal(string signal)
    {
        if (!_childPid.Task.IsCompleted)
        {
            return;
        }

        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { signal, _childPid.Task.Result.ToString(System.Globalization.CultureInfo.InvariantCulture) } })!;
        kill.WaitForExit();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        if (line.StartsWith("child=", StringComparison.Ordinal) && int.TryParse(line.AsSpan(6), out var pid))
        {
            _childPid.TrySetResult(pid);
        }

        lock (_lock)
        {
            _output.AppendLine(line);
        }
    }
}
