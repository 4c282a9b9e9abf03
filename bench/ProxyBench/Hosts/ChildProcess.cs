using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.Channels;

namespace OpsBot.Bench.Hosts;

/// <summary>
/// A <c>dotnet X.dll</c> child (simulator or proxy) in its own process, so its GC, thread pool and CPU
/// are not shared with the load generator. Output is drained (a full pipe would block the child) and
/// the last lines are kept for error messages.
/// </summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private const int TailLines = 40;

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _tail = new();
    private readonly Channel<string> _lines = Channel.CreateBounded<string>(new BoundedChannelOptions(1000) { FullMode = BoundedChannelFullMode.DropOldest });
    private int _longestLine;
    private int _lineCount;

    private ChildProcess(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    public string Name { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>User + system CPU the child has used so far.</summary>
    public TimeSpan CpuTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    public ProcMemory Memory => ProcMemory.Read(Id);

    /// <summary><see cref="Stopwatch.GetTimestamp"/> just before the process was started (start-up time is measured from here).</summary>
    public long StartedAt { get; private set; }

    public string Tail => string.Join(Environment.NewLine, _tail);

    /// <summary>Length in characters of the longest line the child printed (stdout or stderr).</summary>
    public int LongestLine => Volatile.Read(ref _longestLine);

    /// <summary>Lines printed so far.</summary>
    public int Lines => Volatile.Read(ref _lineCount);

    public static ChildProcess Start(string name, string dll, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = Path.GetDirectoryName(dll)! };
        start.ArgumentList.Add(dll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        return Start(name, start);
    }

    /// <summary>A native program (nginx), run the same way: output drained, CPU and memory read from /proc.</summary>
    public static ChildProcess StartProgram(string name, string program, IEnumerable<string> arguments, string workingDirectory)
    {
        var start = new ProcessStartInfo(program) { WorkingDirectory = workingDirectory };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return Start(name, start);
    }

    private static ChildProcess Start(string name, ProcessStartInfo start)
    {
        start.RedirectStandardInput = true;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        var process = new Process { StartInfo = start };
        var child = new ChildProcess(name, process);
        process.OutputDataReceived += (_, e) => child.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => child.OnLine(e.Data);
        child.StartedAt = Stopwatch.GetTimestamp();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>The first output line starting with <paramref name="prefix"/>, bounded by <paramref name="timeout"/>.</summary>
    public async Task<string> WaitForLineAsync(string prefix, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (true)
            {
                var line = await _lines.Reader.ReadAsync(cts.Token);
                if (line.StartsWith(prefix, StringComparison.Ordinal))
                {
                    return line;
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ChannelClosedException)
        {
            throw new InvalidOperationException($"{Name} did not print '{prefix}' within {timeout.TotalSeconds:0} s (exited: {HasExited}). Last output:{Environment.NewLine}{Tail}");
        }
    }

    public async Task SendLineAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>SIGKILL, as a crashed or OOM-killed server: no graceful close of its connections.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            try
            {
                // Children started by the benchmark only; closing stdin asks the simulator to stop.
                _process.StandardInput.Close();
                using var grace = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
                await _process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill();
                await _process.WaitForExitAsync();
            }
        }

        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            _lines.Writer.TryComplete();
            return;
        }

        Interlocked.Increment(ref _lineCount);
        int longest;
        while (line.Length > (longest = Volatile.Read(ref _longestLine)) && Interlocked.CompareExchange(ref _longestLine, line.Length, longest) != longest)
        {
        }

        // A pathological line (the edge probes look for 50 MB ones) is measured, not kept.
        line = line.Length > 2000 ? line[..2000] + $"… ({line.Length} chars)" : line;
        _tail.Enqueue(line);
        while (_tail.Count > TailLines && _tail.TryDequeue(out _))
        {
        }

        _lines.Writer.TryWrite(line);
    }
}
