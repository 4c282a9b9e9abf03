using System.Net.Sockets;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using OpsBot.Charts;
using OpsBot.History;
using OpsBot.Operations;
using OpsBot.Ops;
using OpsBot.Status;

namespace OpsBot.Admin;

/// <summary>
/// The service's local admin endpoint: JSON over HTTP on a Unix domain socket (mode 0600 in a 0700 directory,
/// so only the service's user can connect), for the CLI twin to show what the running service knows
/// (its in-memory proxy log, its history, its monitors) instead of an empty copy of its own.
/// </summary>
/// <remarks>
/// Its own Kestrel app, apart from the proxy's listener: nothing here may stop the proxy. Every failure to
/// set it up (a directory owned by someone else, a path too long, another OpsBot already answering on the
/// socket) is logged once as an error and the service carries on without it.
/// <list type="number">
/// <item>Resolve the path (<see cref="AdminSocketPath"/>) and make its directory private.</item>
/// <item>A socket file left by a dead process is removed; one that answers belongs to a live OpsBot and is left alone.</item>
/// <item>Listen, then restrict the socket to its owner (the 0700 directory already keeps others out meanwhile).</item>
/// </list>
/// </remarks>
public sealed partial class AdminEndpoint : IHostedService, IAsyncDisposable
{
    private const UnixFileMode SocketMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const int MaxRequestedByLength = 64;

    private readonly AdminOptions _options;
    private readonly IHostEnvironment? _environment;
    private readonly IServiceProvider _outer;
    private readonly ILogger<AdminEndpoint> _logger;
    private WebApplication? _app;

    public AdminEndpoint(IOptions<AdminOptions> options, IServiceProvider outer, ILogger<AdminEndpoint> logger, IHostEnvironment? environment = null)
    {
        _options = options.Value;
        _outer = outer;
        _logger = logger;
        _environment = environment;
    }

    /// <summary>The socket listened on, or null when the endpoint is off.</summary>
    public string? SocketPath { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!_options.Enabled)
        {
            LogDisabled(_logger);
            return;
        }

        var path = AdminSocketPath.Resolve(_options, _environment);
        try
        {
            if (Prepare(path) is { } problem)
            {
                LogNotListening(_logger, path, problem);
                return;
            }

            var app = Build(path);
            await app.StartAsync(cancellationToken);
            _app = app;
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, SocketMode);
            }

            SocketPath = path;
            LogListening(_logger, path);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // Whatever went wrong (bind, permissions, Kestrel), the service starts without the socket.
            LogNotListening(_logger, path, ex.Message);
            await DisposeAppAsync();
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is not null)
        {
            await _app.StopAsync(cancellationToken);
        }

        await DisposeAppAsync();
    }

    public ValueTask DisposeAsync() => new(DisposeAppAsync());

    private async Task DisposeAppAsync()
    {
        var app = _app;
        _app = null;
        if (app is not null)
        {
            await app.DisposeAsync();
        }

        if (SocketPath is { } path)
        {
            SocketPath = null;
            TryDelete(path);
        }
    }

    private static string? Prepare(string path)
    {
        if (System.Text.Encoding.UTF8.GetByteCount(path) > AdminSocketPath.MaxLength)
        {
            return $"the path is longer than the {AdminSocketPath.MaxLength} bytes a Unix socket address holds; set Admin:SocketPath to a shorter one";
        }

        if (AdminSocketPath.EnsurePrivateDirectory(path) is { } problem)
        {
            return problem;
        }

        if (File.Exists(path))
        {
            if (Answers(path))
            {
                return "another OpsBot already answers on it (stop it, or give this one its own Admin:SocketPath)";
            }

            // Left behind by a process that was killed: nobody listens on it any more.
            File.Delete(path);
        }

        return null;
    }

    private static bool Answers(string path)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Connect(new UnixDomainSocketEndPoint(path));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The next start removes a stale socket anyway.
        }
    }

    private WebApplication Build(string path)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = typeof(AdminEndpoint).Assembly.GetName().Name });
        builder.Logging.ClearProviders();
        // A failing admin request is logged where the service logs, like the proxy's own.
        builder.Services.AddSingleton(_outer.GetRequiredService<ILoggerFactory>());
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.ListenUnixSocket(path);
        });
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, AdminJson.Default));
        var app = builder.Build();
        Map(app);
        return app;
    }

    private void Map(WebApplication app)
    {
        var operations = _outer.GetRequiredService<IOpsOperations>();

        // CancellationToken (bound to RequestAborted) rather than HttpContext: a lambda taking only HttpContext
        // would be a RequestDelegate, and its IResult silently dropped.
        app.MapGet(AdminRoutes.Status, async (CancellationToken aborted) =>
            Results.Json(await operations.GetStatusAsync(inService: true, aborted), AdminJson.Default.StatusReport));

        app.MapGet(AdminRoutes.Logs, async (string service, int? lines, string? target, CancellationToken aborted) =>
        {
            if (!EnumNames<StackService>.TryParse(service, out var stackService))
            {
                return Error($"unknown service '{service}' ({EnumNames<StackService>.Listed})");
            }

            var count = lines ?? OpsLimits.DefaultLogLines;
            if (count is < 1 or > OpsLimits.MaxLogLines)
            {
                return Error(OpsLimits.LinesOutOfRange(count));
            }

            return Results.Json(await operations.GetLogsAsync(stackService, count, target, aborted), AdminJson.Default.LogTail);
        });

        app.MapGet(AdminRoutes.History, async (string? kind, int? hours, int? limit, CancellationToken aborted) =>
        {
            if (!Enum.TryParse<HistoryKind>(kind ?? nameof(HistoryKind.All), ignoreCase: true, out var parsed))
            {
                return Error($"unknown history kind '{kind}'");
            }

            var query = new HistoryQuery(parsed, TimeSpan.FromHours(hours ?? 24), limit ?? 10).Clamped();
            return await operations.GetHistoryAsync(query, aborted) is { } report
                ? Results.Json(report, AdminJson.Default.HistoryReport)
                : Results.Json(new AdminError("history is not part of this build"), AdminJson.Default.AdminError, statusCode: StatusCodes.Status501NotImplemented);
        });

        app.MapGet(AdminRoutes.Chart, async (string? since, string? size, HttpResponse response, CancellationToken aborted) =>
        {
            if (!ChartRange.TryParse(since ?? ChartRange.Day.Name, out var range))
            {
                return Error($"since must be {ChartRange.Names} (got '{since}')");
            }

            ChartSize? chartSize = null;
            if (size is not null)
            {
                if (!ChartSize.TryParse(size, out var parsed, out var problem))
                {
                    return Error(problem!);
                }

                chartSize = parsed;
            }

            if (await operations.GetChartAsync(range, chartSize, aborted) is not { } chart)
            {
                return Results.Json(new AdminError("charts are not part of this build"), AdminJson.Default.AdminError, statusCode: StatusCodes.Status501NotImplemented);
            }

            response.Headers[AdminRoutes.HistoryAvailableHeader] = chart.History.IsAvailable ? "true" : "false";
            if (chart.Model.NoData is { } noData)
            {
                response.Headers[AdminRoutes.ChartNoDataHeader] = Uri.EscapeDataString(noData);
            }

            return Results.File(chart.Png, ChartImage.ContentType, chart.FileName);
        });

        app.MapPost(AdminRoutes.Smoke, (string? test, string? by, string? target, HttpContext http) =>
            SmokeTestNames.TryParse(test, out var kinds)
                ? StreamSmokeAsync(operations, kinds, RequestedBy(by), target, http)
                : Task.FromResult(Error($"unknown smoke test '{test}' ({string.Join(", ", SmokeTestNames.Names)})")));
    }

    /// <summary>
    /// Runs the smoke tests in the service and streams one JSON line per progress step, then one with the report
    /// (<c>application/x-ndjson</c>), so the CLI shows progress as it happens. A client that hangs up cancels the run.
    /// </summary>
    private static async Task<IResult> StreamSmokeAsync(IOpsOperations operations, IReadOnlyList<Ops.SmokeTestKind> kinds, string requestedBy, string? gateway, HttpContext http)
    {
        var events = Channel.CreateUnbounded<SmokeStreamEvent>(new UnboundedChannelOptions { SingleReader = true });
        var progress = new ChannelProgress(events.Writer);
        var run = Task.Run(async () =>
        {
            try
            {
                var report = await operations.RunSmokeAsync(kinds, requestedBy, progress, http.RequestAborted, gateway: gateway);
                events.Writer.TryWrite(new SmokeStreamEvent(null, report));
                events.Writer.TryComplete();
            }
            catch (Exception ex)
            {
                events.Writer.TryComplete(ex);
            }
        });

        http.Response.ContentType = "application/x-ndjson";
        await http.Response.StartAsync(http.RequestAborted);
        await foreach (var item in events.Reader.ReadAllAsync(http.RequestAborted))
        {
            await JsonSerializer.SerializeAsync(http.Response.Body, item, AdminJson.Default.SmokeStreamEvent, http.RequestAborted);
            await http.Response.Body.WriteAsync("\n"u8.ToArray(), http.RequestAborted);
            await http.Response.Body.FlushAsync(http.RequestAborted);
        }

        await run;
        return Results.Empty;
    }

    private static string RequestedBy(string? by) =>
        string.IsNullOrWhiteSpace(by) ? "cli" : by.Length > MaxRequestedByLength ? by[..MaxRequestedByLength] : by;

    private static IResult Error(string message) =>
        Results.Json(new AdminError(message), AdminJson.Default.AdminError, statusCode: StatusCodes.Status400BadRequest);

    private sealed class ChannelProgress(ChannelWriter<SmokeStreamEvent> writer) : IProgress<string>
    {
        public void Report(string value) => writer.TryWrite(new SmokeStreamEvent(value, null));
    }

    [LoggerMessage(EventId = OpsBotEventIds.AdminEndpointListening, Level = LogLevel.Information, Message = "Admin endpoint listening on {Path} (the CLI asks the service here)")]
    private static partial void LogListening(ILogger logger, string path);

    [LoggerMessage(EventId = OpsBotEventIds.AdminEndpointNotListening, Level = LogLevel.Error,
        Message = "Admin endpoint not started at {Path}: {Problem}. The proxy and the bot run as usual; `opsbot status|logs|history|smoke` will probe directly")]
    private static partial void LogNotListening(ILogger logger, string path, string problem);

    [LoggerMessage(EventId = OpsBotEventIds.AdminEndpointDisabled, Level = LogLevel.Information, Message = "Admin endpoint disabled (Admin:Enabled=false)")]
    private static partial void LogDisabled(ILogger logger);
}
