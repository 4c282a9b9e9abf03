using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Options;
using OpsBot.Components;
using OpsBot.Ops;
using OpsBot.ProxyCore.Proxy;
using OpsBot.ProxyCore.Proxy.Upstream;

namespace OpsBot.Hosting;

/// <summary>
/// Runs the proxy as its own Kestrel app inside OpsBot so <c>/restart proxy</c> can recycle the
/// listener (dropping stuck connections) while the bot, monitors and alerts keep running.
/// Counters and observers live in the outer host and survive restarts.
/// </summary>
public sealed partial class ProxyListener(IOptionsMonitor<ProxyOptions> options, IConfiguration configuration, IServiceProvider outer, ILogger<ProxyListener> logger) : IHostedService, IProxyListener, IAsyncDisposable
{
    private readonly IOptionsMonitor<ProxyOptions> _options = options;
    private readonly IConfiguration _configuration = configuration;
    private readonly IServiceProvider _outer = outer;
    private readonly ILogger<ProxyListener> _logger = logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private WebApplication? _app;
    private CancellationTokenSource? _drain;
    private Task? _stopping;
    private CancellationTokenRegistration _onStopping;

    public bool IsRunning => _app is not null;

    public Uri? LocalAddress { get; private set; }

    /// <summary>
    /// On stop, requests in flight get this long to finish; then their exchanges with vLLM are ended and each client gets an
    /// error answer (streams: an error event and <c>data: [DONE]</c>), and a second later Kestrel closes what is left.
    /// </summary>
    public static TimeSpan DrainTime { get; } = TimeSpan.FromSeconds(2.5);

    private static readonly TimeSpan AbortAfterDrain = TimeSpan.FromSeconds(1);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await UnderGateAsync(StartCoreAsync, cancellationToken);

        // The drain starts when the host is asked to stop, not when our turn to stop comes after every component's.
        if (_outer.GetService<IHostApplicationLifetime>() is { } lifetime)
        {
            _onStopping = lifetime.ApplicationStopping.Register(() => _stopping ??= UnderGateAsync(StopCoreAsync, CancellationToken.None));
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _onStopping.DisposeAsync();
        await (_stopping ??= UnderGateAsync(StopCoreAsync, CancellationToken.None)).WaitAsync(cancellationToken);
    }

    public Task RestartAsync(CancellationToken cancellationToken) => UnderGateAsync(async ct =>
    {
        LogRestarting(_logger);
        await StopCoreAsync(ct);
        await StartCoreAsync(ct);
    }, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _onStopping.DisposeAsync();
        if (_app is not null)
        {
            await _app.DisposeAsync();
            _app = null;
        }

        _gate.Dispose();
    }

    /// <summary>Start, stop and restart never overlap: a /restart racing host shutdown must not leave a listener behind.</summary>
    private async Task UnderGateAsync(Func<CancellationToken, Task> action, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await action(cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task StartCoreAsync(CancellationToken cancellationToken)
    {
        // Checked before the host was built (ConfigurationErrors.CheckProxy); the inner app binds and validates the same values.
        var section = _configuration.GetSection(ProxyOptions.SectionName);
        var drain = new CancellationTokenSource();
        var gate = _outer.GetService<ComponentStartGate>();
        var app = ProxyApplication.Build(
            section.Bind,
            services =>
            {
                services.AddHttpClient(UpstreamHttp.ClientName).AddHttpMessageHandler(() => new UpstreamDrainHandler(drain.Token));
                services.AddOpsBotProxySharedFrom(_outer);
                if (gate is { IsOpen: false })
                {
                    services.AddTransient<IStartupFilter>(_ => new FirstAnswerSignal(gate));
                }
            });
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch
        {
            // Components must not wait for answers that will never come (the host may still run them, e.g. after a /restart).
            gate?.Open();
            throw;
        }

        gate?.OpenAfterMaxWait();
        _app = app;
        _drain = drain;
        LocalAddress = app.GetListenUri();
        // Where it really listens (0.0.0.0 is every interface, worth knowing), and vLLM without the URL's password.
        var options = _options.CurrentValue;
        LogListening(_logger, app.GetBindUri(), options.VllmDisplayUrl, options.ApiKeys.Length > 0 ? $"required ({options.ApiKeys.Length} key(s))" : "not required");
    }

    private async Task StopCoreAsync(CancellationToken cancellationToken)
    {
        if (_app is null)
        {
            return;
        }

        var app = _app;
        var drain = _drain!;
        _app = null;
        _drain = null;
        LocalAddress = null;
        drain.CancelAfter(DrainTime);
        using var abort = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        abort.CancelAfter(DrainTime + AbortAfterDrain);
        await app.StopAsync(abort.Token);
        await app.DisposeAsync();
        drain.Dispose();
    }

    [LoggerMessage(EventId = OpsBotEventIds.ProxyListenerListening, Level = LogLevel.Information, Message = "Proxy listening on {Address}, forwarding to vLLM at {VllmUrl}; API key {Authentication}")]
    private static partial void LogListening(ILogger logger, Uri address, string vllmUrl, string authentication);

    [LoggerMessage(EventId = OpsBotEventIds.ProxyListenerRestarting, Level = LogLevel.Warning, Message = "Restarting the proxy listener")]
    private static partial void LogRestarting(ILogger logger);
}
