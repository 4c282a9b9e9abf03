using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using OpsBot.IntegrationTests.Deploy;

namespace OpsBot.IntegrationTests.FailSafe;

/// <summary>
/// The real built <c>opsbot</c> started as users start it (<c>dotnet opsbot.dll …</c>), output collected line by line,
/// signalled by pid, and never left running after the test.
/// </summary>
public sealed class OpsBotRun : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly Lock _lock = new();

    private OpsBotRun(Process process)
    {
        _process = process;
    }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public string Stdout
    {
        get
        {
            lock (_lock)
            {
                return _stdout.ToString();
            }
        }
    }

    public string Stderr
    {
        get
        {
            lock (_lock)
            {
                return _stderr.ToString();
            }
        }
    }

    public string Output => $"--- stdout:\n{Stdout}--- stderr:\n{Stderr}";

    /// <param name="environment">Added to a clean environment for opsbot: Production, a private state directory, no Discord token.</param>
    public static OpsBotRun Start(IEnumerable<string> arguments, string stateDirectory, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = stateDirectory,
        };
        start.ArgumentList.Add(RepositoryPaths.OpsBotDll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["STATE_DIRECTORY"] = stateDirectory;
        start.Environment["Logging__Console__FormatterOptions__ColorBehavior"] = "Disabled";
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("Discord__", StringComparison.Ordinal) || k == "DISCORD_TOKEN").ToList())
        {
            start.Environment.Remove(key);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var run = new OpsBotRun(process);
        process.OutputDataReceived += (_, e) => run.Append(run._stdout, e.Data);
        process.ErrorDataReceived += (_, e) => run.Append(run._stderr, e.Data);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return run;
    }

    /// <summary>Runs opsbot to its end (a CLI verb, a start that must fail) and answers its exit code.</summary>
    public static async Task<(int Exit, OpsBotRun Run)> RunToExitAsync(IEnumerable<string> arguments, string stateDirectory, TimeSpan limit, IReadOnlyDictionary<string, string>? environment = null)
    {
        var run = Start(arguments, stateDirectory, environment);
        return (await run.WaitForExitAsync(limit), run);
    }

    /// <summary>Polls <c>GET /health</c> until it answers 200 (within <paramref name="limit"/> of the call) and answers its body.</summary>
    public async Task<JsonElement> WaitHealthyAsync(HttpClient http, TimeSpan limit)
    {
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < limit)
        {
            if (HasExited)
            {
                throw new InvalidOperationException($"opsbot exited before answering /health:\n{Output}");
            }

            try
            {
                using var response = await http.GetAsync("/health");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return await response.Content.ReadFromJsonAsync<JsonElement>();
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // One slow answer on a loaded machine.
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"no /health within {limit}:\n{Output}");
    }

    /// <summary>SIGTERM, as systemd stops a service.</summary>
    public void Terminate()
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", Pid.ToString(CultureInfo.InvariantCulture) } })!;
        kill.WaitForExit();
    }

    public async Task<int> WaitForExitAsync(TimeSpan limit)
    {
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"opsbot did not exit within {limit}:\n{Output}");
        }

        // The exit event can come before the last redirected lines: WaitForExit() without a timeout drains them.
        _process.WaitForExit();
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void Append(StringBuilder target, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lock)
        {
            target.AppendLine(line);
        }
    }
}
