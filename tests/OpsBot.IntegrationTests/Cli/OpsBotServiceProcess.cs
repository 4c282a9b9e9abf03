using System.Diagnostics;
using System.Globalization;
using System.Text;
using OpsBot.IntegrationTests.Deploy;
using OpsBot.IntegrationTests.Infrastructure;

namespace OpsBot.IntegrationTests.Cli;

/// <summary>
/// The real built opsbot, run as the service (<c>dotnet opsbot.dll --host --port --vllm-url</c>) with its state and
/// admin socket in a private directory, and the same binary run as the CLI beside it, as a user would.
/// </summary>
public sealed class OpsBotServiceProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(40);
    private static readonly TimeSpan CliLimit = TimeSpan.FromSeconds(120);

    private readonly StringBuilder _output = new();
    private readonly Lock _lock = new();
    private Process? _process;

    public OpsBotServiceProcess(string directory, Uri vllm)
    {
        Directory = directory;
        Port = FreePort.Next();
        Environment = new Dictionary<string, string>
        {
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["Admin__SocketPath"] = SocketPath,
            ["History__DatabasePath"] = DatabasePath,
            ["Ops__Vllm__BaseUrl"] = vllm.ToString(),
            ["Logging__Console__FormatterOptions__ColorBehavior"] = "Disabled",
            ["NO_COLOR"] = "1",
        };
        Arguments = ["--host", "127.0.0.1", "--port", Port.ToString(CultureInfo.InvariantCulture), "--vllm-url", vllm.ToString().TrimEnd('/')];
    }

    public string Directory { get; }

    public int Port { get; }

    public string SocketPath => Path.Combine(Directory, "run", "admin.sock");

    public string DatabasePath => Path.Combine(Directory, "state", "opsbot.db");

    public IDictionary<string, string> Environment { get; }

    public IReadOnlyList<string> Arguments { get; }

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

    public async Task StartAsync()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        start.ArgumentList.Add(RepositoryPaths.OpsBotDll);
        foreach (var argument in Arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in Environment)
        {
            start.Environment[key] = value;
        }

        _process = Process.Start(start)!;
        _process.StandardInput.Close();
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        if (!await WaitForOutputAsync("Admin endpoint listening on", StartLimit))
        {
            throw new TimeoutException($"opsbot did not open its admin socket within {StartLimit.TotalSeconds} s:\n{Output}");
        }
    }

    /// <summary>The CLI as a separate process, with the service's environment (same socket, same database).</summary>
    public Task<(int ExitCode, string Stdout, string Stderr)> CliAsync(params string[] args) =>
        ProcessRunner.RunAsync("dotnet", [RepositoryPaths.OpsBotDll, .. args], CliLimit, Environment);

    /// <summary>SIGTERM, as systemd stops it; answers the exit code.</summary>
    public async Task<int> StopAsync()
    {
        using (var kill = Process.Start("kill", ["-TERM", _process!.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await _process.WaitForExitAsync(limit.Token);
        return _process.ExitCode;
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
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lock)
        {
            _output.AppendLine(line);
        }
    }
}
