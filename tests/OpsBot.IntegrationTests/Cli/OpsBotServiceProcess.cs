using System.Diagnostics;
using System.Globalization;
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

    private ChildRun? _run;

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

    public string Output => _run?.Output ?? "";

    public async Task StartAsync()
    {
        // A shell starts opsbot as its child (ChildRun signals the child itself, as systemd would).
        var start = new ProcessStartInfo("/bin/bash")
        {
            ArgumentList = { "-c", "\"$@\" & child=$!; echo \"child=$child\"; wait $child", "opsbot", "dotnet", RepositoryPaths.OpsBotDll },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in Arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in Environment)
        {
            start.Environment[key] = value;
        }

        _run = new ChildRun(Process.Start(start)!);
        if (!await _run.WaitForOutputAsync("Admin endpoint listening on", StartLimit))
        {
            throw new TimeoutException($"opsbot did not open its admin socket within {StartLimit.TotalSeconds} s:\n{Output}");
        }

        // Components (history among them) start after the proxy's first answer or a second after it listens.
        if (!await _run.WaitForOutputAsync("History recorded in", StartLimit))
        {
            throw new TimeoutException($"opsbot did not open its history database within {StartLimit.TotalSeconds} s:\n{Output}");
        }
    }

    /// <summary>The CLI as a separate process, with the service's environment (same socket, same database).</summary>
    public Task<(int ExitCode, string Stdout, string Stderr)> CliAsync(params string[] args) => CliInAsync(null, args);

    /// <summary>The CLI run from <paramref name="workingDirectory"/> (null: the tests' own).</summary>
    public Task<(int ExitCode, string Stdout, string Stderr)> CliInAsync(string? workingDirectory, params string[] args) =>
        ProcessRunner.RunAsync("dotnet", [RepositoryPaths.OpsBotDll, .. args], CliLimit, Environment, workingDirectory);

    /// <summary>SIGTERM, as systemd stops it; answers the exit code.</summary>
    public Task<int> StopAsync()
    {
        _run!.Terminate();
        return _run.WaitForExitAsync(TimeSpan.FromSeconds(20));
    }

    public Task<bool> WaitForOutputAsync(string text, TimeSpan limit) => _run!.WaitForOutputAsync(text, limit);

    public async ValueTask DisposeAsync()
    {
        if (_run is not null)
        {
            await _run.DisposeAsync();
        }
    }
}
