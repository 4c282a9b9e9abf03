using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

namespace OpsBot.OpenClaw.E2E.Infrastructure;

/// <summary>
/// The real proxy, started the way users start it (<c>dotnet opsbot.dll --host --port --vllm-url</c>) from the
/// OpsBot project's build output, with its log captured line by line.
/// </summary>
public sealed class OpsBotProxyProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly Action<string> _log;
    private readonly string _state;

    private OpsBotProxyProcess(Process process, Uri baseUrl, Action<string> log, string state)
    {
        _process = process;
        BaseUrl = baseUrl;
        _log = log;
        _state = state;
    }

    /// <summary>http://127.0.0.1:PORT (OpenClaw's baseUrl is this plus /v1).</summary>
    public Uri BaseUrl { get; }

    public IReadOnlyList<string> LogLines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    public IReadOnlyList<ProxyCompletionLogLine> CompletionEvents =>
        LogLines.Select(ProxyCompletionLogLine.TryParse).OfType<ProxyCompletionLogLine>().ToList();

    public static async Task<OpsBotProxyProcess> StartAsync(
        RepositoryLayout layout, Uri vllmBaseUrl, IReadOnlyList<string> extraArguments, Action<string> log, CancellationToken cancellationToken)
    {
        if (!File.Exists(layout.OpsBotDll))
        {
            throw new InvalidOperationException($"{layout.OpsBotDll} is missing: build src/OpsBot ({layout.Configuration}) first.");
        }

        var port = FreeTcpPort.Next();
        var startInfo = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(layout.OpsBotDll)!,
        };
        foreach (var argument in new[]
                 {
                     layout.OpsBotDll, "--host", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture),
                     "--vllm-url", vllmBaseUrl.ToString().TrimEnd('/'),
                 }.Concat(extraArguments))
        {
            startInfo.ArgumentList.Add(argument);
        }

        // One line per log entry keeps each completion event on the line that names it.
        startInfo.Environment["Logging__Console__FormatterName"] = "simple";
        startInfo.Environment["Logging__Console__FormatterOptions__SingleLine"] = "true";
        startInfo.Environment["Logging__Console__FormatterOptions__ColorBehavior"] = "Disabled";
        // State of its own: never the user's history database or admin socket (several of these run at once).
        var state = Directory.CreateTempSubdirectory("opsbot-e2e-state-").FullName;
        startInfo.Environment["History__DatabasePath"] = Path.Combine(state, "opsbot.db");
        startInfo.Environment["Admin__SocketPath"] = Path.Combine(state, "admin.sock");
        // The suite is about the proxy; the bot part must not try to reach Discord.
        startInfo.Environment.Remove("DISCORD_TOKEN");
        startInfo.Environment.Remove("OpsBot__Discord__Token");

        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        var proxy = new OpsBotProxyProcess(process, new Uri($"http://127.0.0.1:{port}"), log, state);
        process.OutputDataReceived += (_, e) => proxy.Append(e.Data);
        process.ErrorDataReceived += (_, e) => proxy.Append(e.Data);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        try
        {
            await proxy.WaitHealthyAsync(cancellationToken);
        }
        catch
        {
            await proxy.DisposeAsync();
            throw;
        }

        return proxy;
    }

    /// <summary>
    /// The completion event is logged once the response is done, which may be a moment after the client (OpenClaw)
    /// has already exited: wait a bounded time for it to show up.
    /// </summary>
    public async Task<IReadOnlyList<ProxyCompletionLogLine>> WaitForCompletionEventsAsync(int count, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(TimeSpan.FromSeconds(10));
        while (true)
        {
            var events = CompletionEvents;
            if (events.Count >= count)
            {
                return events;
            }

            try
            {
                await Task.Delay(50, limit.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException(
                    $"The proxy logged {events.Count} completion event(s), expected {count}. Log:{Environment.NewLine}" +
                    string.Join(Environment.NewLine, LogLines));
            }
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lines)
        {
            _lines.Add(line);
        }
    }

    private async Task WaitHealthyAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < StartTimeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException(
                    $"opsbot exited with {_process.ExitCode} before becoming healthy:{Environment.NewLine}{string.Join(Environment.NewLine, LogLines)}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri(BaseUrl, "/health"), cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    var body = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
                    if (body.TryGetProperty("status", out var status) && status.GetString() == "ok")
                    {
                        return;
                    }
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // One slow probe on a busy machine; try again.
            }

            await Task.Delay(100, cancellationToken);
        }

        throw new TimeoutException(
            $"opsbot did not answer GET /health with status ok within {StartTimeout.TotalSeconds:F0} s:{Environment.NewLine}" +
            string.Join(Environment.NewLine, LogLines));
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _log($"--- opsbot log ({BaseUrl}):{Environment.NewLine}{string.Join(Environment.NewLine, LogLines)}");
        _process.Dispose();
        Directory.Delete(_state, recursive: true);
    }
}
