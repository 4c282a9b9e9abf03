using System.Net.Http.Json;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.Options;
using OpsBot.Charts;
using OpsBot.Cli;
using OpsBot.History;
using OpsBot.Operations;
using OpsBot.Ops;
using OpsBot.Status;

namespace OpsBot.Admin;

/// <summary>
/// The CLI's side of the admin endpoint. Every call answers either the service's report or why the service
/// could not be asked (<see cref="AdminAnswer{T}.Unreachable"/>), in which case the CLI probes directly.
/// </summary>
public sealed class AdminClient : IDisposable
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(3);

    // The service bounds its own work (status 30 s); this only keeps a wedged service from hanging the CLI.
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(90);

    private readonly HttpClient _http;

    public AdminClient(IOptions<AdminOptions> options, IHostEnvironment? environment = null)
        : this(AdminSocketPath.Resolve(options.Value, environment))
    {
    }

    public AdminClient(string socketPath)
    {
        SocketPath = socketPath;
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = ConnectTimeout,
            ConnectCallback = async (_, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        // The host name is never resolved: every connection goes to the socket.
        _http = new HttpClient(handler) { BaseAddress = new Uri("http://opsbot.admin"), Timeout = Timeout.InfiniteTimeSpan };
    }

    public string SocketPath { get; }

    public Task<AdminAnswer<StatusReport>> GetStatusAsync(CancellationToken cancellationToken) =>
        GetAsync(AdminRoutes.Status, AdminJson.Default.StatusReport, cancellationToken);

    public Task<AdminAnswer<LogTail>> GetLogsAsync(StackService service, int lines, string? target, CancellationToken cancellationToken) =>
        GetAsync(AdminRoutes.LogsFor(service, lines, target), AdminJson.Default.LogTail, cancellationToken);

    public Task<AdminAnswer<HistoryReport>> GetHistoryAsync(HistoryQuery query, CancellationToken cancellationToken) =>
        GetAsync(AdminRoutes.HistoryFor(query), AdminJson.Default.HistoryReport, cancellationToken);

    /// <summary>The service's chart: the PNG, and what its headers say about it.</summary>
    public Task<AdminAnswer<ChartFile>> GetChartAsync(ChartRange range, ChartSize? size, CancellationToken cancellationToken) =>
        GetAsync(AdminRoutes.ChartFor(range, size), async (response, ct) =>
        {
            var png = await response.Content.ReadAsByteArrayAsync(ct);
            var noData = response.Headers.TryGetValues(AdminRoutes.ChartNoDataHeader, out var notes) ? Uri.UnescapeDataString(notes.First()) : null;
            var available = !response.Headers.TryGetValues(AdminRoutes.HistoryAvailableHeader, out var values) || values.First() != "false";
            return new ChartFile(png, noData, available);
        }, cancellationToken);

    /// <summary>
    /// Runs the smoke tests in the service, passing its progress lines to <paramref name="progress"/> as they
    /// arrive. Unreachable only when nothing was run (the service could not be asked at all).
    /// </summary>
    public async Task<AdminAnswer<SmokeReport>> RunSmokeAsync(string test, string requestedBy, IProgress<string> progress, CancellationToken cancellationToken, string? target = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, AdminRoutes.SmokeFor(test, requestedBy, target));
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (Exception ex) when (IsUnreachable(ex, cancellationToken))
        {
            return AdminAnswer<SmokeReport>.Unreachable(Describe(ex), IsConnected(ex));
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                return AdminAnswer<SmokeReport>.Unreachable(await DescribeAsync(response, cancellationToken), connected: true);
            }

            try
            {
                await foreach (var item in ReadLinesAsync(response, cancellationToken))
                {
                    if (item.Report is { } report)
                    {
                        return AdminAnswer<SmokeReport>.From(report);
                    }

                    if (item.Progress is { } step)
                    {
                        progress.Report(step);
                    }
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or JsonException && !cancellationToken.IsCancellationRequested)
            {
                // The run started in the service: running it again here would run it twice.
                return AdminAnswer<SmokeReport>.From(new SmokeReport([], TimeSpan.Zero, $"the service stopped answering mid-run ({ex.Message})"));
            }

            return AdminAnswer<SmokeReport>.From(new SmokeReport([], TimeSpan.Zero, "the service ended the run without a report"));
        }
    }

    public void Dispose() => _http.Dispose();

    private static async IAsyncEnumerable<SmokeStreamEvent> ReadLinesAsync(HttpResponseMessage response, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var reader = new StreamReader(body);
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length > 0 && JsonSerializer.Deserialize(line, AdminJson.Default.SmokeStreamEvent) is { } item)
            {
                yield return item;
            }
        }
    }

    private Task<AdminAnswer<T>> GetAsync<T>(string path, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, CancellationToken cancellationToken)
        where T : class =>
        GetAsync(path, (response, ct) => response.Content.ReadFromJsonAsync(type, ct), cancellationToken);

    private async Task<AdminAnswer<T>> GetAsync<T>(string path, Func<HttpResponseMessage, CancellationToken, Task<T?>> read, CancellationToken cancellationToken)
        where T : class
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(AnswerTimeout);
        try
        {
            using var response = await _http.GetAsync(path, timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                return AdminAnswer<T>.Unreachable(await DescribeAsync(response, timeout.Token), connected: true);
            }

            return await read(response, timeout.Token) is { } value
                ? AdminAnswer<T>.From(value)
                : AdminAnswer<T>.Unreachable("the service answered nothing", connected: true);
        }
        catch (Exception ex) when (IsUnreachable(ex, cancellationToken) || ex is JsonException)
        {
            return AdminAnswer<T>.Unreachable(ex is OperationCanceledException ? $"no answer within {AnswerTimeout.TotalSeconds:0} s" : Describe(ex), IsConnected(ex));
        }
    }

    private static bool IsUnreachable(Exception ex, CancellationToken cancellationToken) =>
        ex is HttpRequestException or IOException or SocketException
        || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested);

    private static bool IsConnected(Exception ex) => ex is not HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError };

    private string Describe(Exception ex) => ex is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError }
        ? File.Exists(SocketPath) ? $"nothing listens on {SocketPath}" : $"no socket at {SocketPath}"
        : ex.Message;

    private static async Task<string> DescribeAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            if (await response.Content.ReadFromJsonAsync(AdminJson.Default.AdminError, cancellationToken) is { } error)
            {
                return $"the service answered {(int)response.StatusCode}: {error.Error}";
            }
        }
        catch (JsonException)
        {
        }

        return $"the service answered {(int)response.StatusCode} {response.StatusCode}";
    }
}

/// <summary>
/// What the service answered, or why it could not be asked; <see cref="Connected"/> tells a service that is not
/// running (nothing listens on the socket) from one that is but failed to answer.
/// </summary>
public sealed record AdminAnswer<T>(T? Value, string? Problem, bool Connected)
    where T : class
{
    public static AdminAnswer<T> From(T value) => new(value, null, true);

    public static AdminAnswer<T> Unreachable(string problem, bool connected) => new(null, problem, connected);
}
