using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpsBot.ProxyCore.Metrics;
using OpsBot.ProxyCore.Proxy.Upstream;

namespace OpsBot.ProxyCore.Proxy.Backends;

/// <summary>
/// Active health check with several backends: every <see cref="ProxyOptions.HealthProbeInterval"/> each backend's
/// <c>GET /health</c> must answer 200 (vLLM answers 503 while its engine is dead); a failure keeps new requests away
/// until a probe or a request succeeds. One backend is never probed: there is no other to send its requests to, and
/// the single-upstream proxy never did.
/// </summary>
internal sealed partial class BackendHealthProbe : BackgroundService
{
    private readonly VllmBackends _backends;
    private readonly IHttpClientFactory _clients;
    private readonly ProxyMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly TimeSpan _interval;
    private readonly ILogger<BackendHealthProbe> _logger;

    public BackendHealthProbe(VllmBackends backends, IHttpClientFactory clients, ProxyMetrics metrics, TimeProvider time, IOptions<ProxyOptions> options, ILogger<BackendHealthProbe> logger)
    {
        _backends = backends;
        _clients = clients;
        _metrics = metrics;
        _time = time;
        _interval = options.Value.HealthProbeInterval;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_backends.IsMultiple)
        {
            return;
        }

        // Each backend's state as of the scrape, not as of the last probe.
        _metrics.Registry.AddBeforeCollectCallback(() =>
        {
            foreach (var backend in _backends.All)
            {
                _metrics.SetBackendState(backend.Name, backend.Health == BackendHealth.Healthy, backend.Outstanding);
            }
        });

        using var timer = new PeriodicTimer(_interval, _time);
        try
        {
            do
            {
                await ProbeAllAsync(stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Probes every backend at once (a hanging one must not delay the others' verdicts).</summary>
    public Task ProbeAllAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(_backends.All.Select(backend => ProbeAsync(backend, cancellationToken)));

    private async Task ProbeAsync(VllmBackend backend, CancellationToken cancellationToken)
    {
        var client = _clients.CreateClient(UpstreamHttp.ClientName);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // A probe that outlives the interval says "down" as clearly as a refusal.
        timeout.CancelAfter(_interval);
        string? failure;
        try
        {
            using var response = await client.GetAsync(new Uri(backend.BaseUri, "health"), HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            failure = response.IsSuccessStatusCode ? null : $"/health answered {(int)response.StatusCode}";
        }
        catch (Exception ex) when (ex is HttpRequestException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            failure = ex is OperationCanceledException ? $"/health did not answer within {_interval.TotalSeconds:0.#} s" : $"/health failed: {ex.Message}";
        }

        var before = backend.Health;
        backend.Probed(failure);
        if (failure is not null && before != BackendHealth.Down)
        {
            LogDown(_logger, backend.Name, failure);
        }
        else if (failure is null && before != BackendHealth.Healthy)
        {
            LogUp(_logger, backend.Name);
        }
    }

    [LoggerMessage(EventId = ProxyEventIds.BackendHealthProbeDown, Level = LogLevel.Warning, Message = "vLLM backend {Backend} is down ({Reason}); its conversations go to the others")]
    private static partial void LogDown(ILogger logger, string backend, string reason);

    [LoggerMessage(EventId = ProxyEventIds.BackendHealthProbeRecovered, Level = LogLevel.Information, Message = "vLLM backend {Backend} is healthy again")]
    private static partial void LogUp(ILogger logger, string backend);
}
