using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpsBot.Ops.Configuration;
using OpsBot.Ops.Docker;
using OpsBot.Ops.Probes;
using OpsBot.Ops.Security;
using OpsBot.Ops.Ssh;

namespace OpsBot.Ops.Restarts;

/// <summary>Restarts a service, waits until it is healthy again and records the attempt in the audit log.</summary>
public sealed partial class RestartService : IRestartService
{
    private readonly ISshCommandRunner _ssh;
    private readonly IContainerEngine _containers;
    private readonly IProxyListener _proxyListener;
    private readonly VllmProbe _vllmProbe;
    private readonly GatewayProbe _gatewayProbe;
    private readonly IHttpClientFactory _httpClients;
    private readonly IRestartAuditLog _audit;
    private readonly SecretRedactor _redactor;
    private readonly RestartGate _gate;
    private readonly VllmOpsOptions _vllm;
    private readonly GatewayOpsOptions _gateway;
    private readonly ProxyOpsOptions _proxy;
    private readonly GatewayCommands _commands;
    private readonly TimeProvider _time;
    private readonly ILogger<RestartService> _logger;

    public RestartService(
        ISshCommandRunner ssh,
        IContainerEngine containers,
        IProxyListener proxyListener,
        VllmProbe vllmProbe,
        GatewayProbe gatewayProbe,
        IHttpClientFactory httpClients,
        IRestartAuditLog audit,
        SecretRedactor redactor,
        IOptions<VllmOpsOptions> vllm,
        IOptions<GatewayOpsOptions> gateway,
        IOptions<ProxyOpsOptions> proxy,
        IOptions<RestartOptions> restart,
        TimeProvider time,
        ILogger<RestartService> logger)
    {
        _ssh = ssh;
        _containers = containers;
        _proxyListener = proxyListener;
        _vllmProbe = vllmProbe;
        _gatewayProbe = gatewayProbe;
        _httpClients = httpClients;
        _audit = audit;
        _redactor = redactor;
        _vllm = vllm.Value;
        _gateway = gateway.Value;
        _proxy = proxy.Value;
        _commands = new GatewayCommands(_gateway);
        _gate = new RestartGate(restart.Value.Cooldown, time);
        _time = time;
        _logger = logger;
    }

    public async Task<RestartResult> RestartAsync(StackService service, string requestedBy, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var requestedAt = _time.GetUtcNow();
        var started = _time.GetTimestamp();
        RestartResult result;
        if (!_gate.TryEnter(service, out var refusal))
        {
            result = new RestartResult(service, false, $"refused: {refusal}", TimeSpan.Zero, null);
        }
        else
        {
            try
            {
                var outcome = service switch
                {
                    StackService.Gateway => await RestartGatewayAsync(progress, started, cancellationToken).ConfigureAwait(false),
                    StackService.Vllm => await RestartVllmAsync(progress, started, cancellationToken).ConfigureAwait(false),
                    StackService.Proxy => await RestartProxyAsync(progress, started, cancellationToken).ConfigureAwait(false),
                    _ => throw new ArgumentOutOfRangeException(nameof(service), service, null),
                };
                result = new RestartResult(service, outcome.TimeToHealthy is not null, _redactor.Redact(outcome.Message), _time.GetElapsedTime(started), outcome.TimeToHealthy);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                result = new RestartResult(service, false, "cancelled while waiting", _time.GetElapsedTime(started), null);
            }
            finally
            {
                _gate.Exit(service);
            }
        }

        // The audit record must survive the caller's cancellation.
        await _audit.RecordAsync(
            new RestartAuditEntry(service, requestedBy, requestedAt, result.Succeeded, result.Message, result.Elapsed, result.TimeToHealthy),
            CancellationToken.None).ConfigureAwait(false);
        progress?.Report(result.Message);
        return result;
    }

    private async Task<(string Message, TimeSpan? TimeToHealthy)> RestartGatewayAsync(IProgress<string>? progress, long started, CancellationToken cancellationToken)
    {
        if (!_gateway.IsConfigured)
        {
            return ("gateway not configured (set Ops:Gateway:Host)", null);
        }

        progress?.Report($"restarting {_gateway.UnitName} on {_gateway.Host}");
        var restart = await _ssh.RunAsync(_commands.Restart(), _gateway.CommandTimeout, cancellationToken).ConfigureAwait(false);
        if (!restart.Succeeded)
        {
            return ($"systemctl --user restart {_gateway.UnitName} failed: {restart.Describe()}", null);
        }

        progress?.Report($"waiting until {_gateway.UnitName} is active and port {_gateway.GatewayPort} answers");
        return await WaitUntilReadyAsync(
            "gateway", _gatewayProbe.IsReadyAsync, _gateway.RestartReadyTimeout, _gateway.ReadyPollInterval, progress, started, cancellationToken).ConfigureAwait(false);
    }

    private async Task<(string Message, TimeSpan? TimeToHealthy)> RestartVllmAsync(IProgress<string>? progress, long started, CancellationToken cancellationToken)
    {
        if (!_containers.IsConfigured)
        {
            return (ContainerObservation.NotConfigured.Error!, null);
        }

        progress?.Report($"restarting container {_vllm.ContainerName}");
        if (await _containers.RestartAsync(cancellationToken).ConfigureAwait(false) is { } error)
        {
            return ($"container restart failed: {error}", null);
        }

        progress?.Report("container restarted; waiting for /health and /v1/models (model load takes a minute or two)");
        return await WaitUntilReadyAsync(
            "vLLM",
            async ct => await _vllmProbe.IsReadyAsync(ct).ConfigureAwait(false) ? (true, "ready") : (false, "loading"),
            _vllm.RestartReadyTimeout, _vllm.ReadyPollInterval, progress, started, cancellationToken).ConfigureAwait(false);
    }

    private async Task<(string Message, TimeSpan? TimeToHealthy)> RestartProxyAsync(IProgress<string>? progress, long started, CancellationToken cancellationToken)
    {
        progress?.Report("restarting the proxy listener");
        try
        {
            await _proxyListener.RestartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogProxyRestartFailed(ex);
            return ($"proxy listener restart failed: {ex.Message}", null);
        }

        return await WaitUntilReadyAsync("proxy", ProxyHealthAsync, _proxy.RestartReadyTimeout, _proxy.ReadyPollInterval, progress, started, cancellationToken).ConfigureAwait(false);
    }

    private async Task<(bool Ready, string Detail)> ProxyHealthAsync(CancellationToken cancellationToken)
    {
        try
        {
            var client = _httpClients.CreateClient(OpsHttpClients.Proxy);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5), _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            using var response = await client.GetAsync(new Uri(_proxy.ResolveBaseUrl(_proxyListener), "health"), linked.Token).ConfigureAwait(false);
            return response.IsSuccessStatusCode ? (true, "ok") : (false, $"/health answered {(int)response.StatusCode}");
        }
        catch (HttpRequestException ex)
        {
            return (false, ex.Message);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (false, "/health timed out");
        }
    }

    /// <summary>Polls until ready or the timeout; progress only when the detail changes, so Discord is not flooded.</summary>
    private async Task<(string Message, TimeSpan? TimeToHealthy)> WaitUntilReadyAsync(
        string what,
        Func<CancellationToken, Task<(bool Ready, string Detail)>> check,
        TimeSpan timeout,
        TimeSpan pollInterval,
        IProgress<string>? progress,
        long started,
        CancellationToken cancellationToken)
    {
        var waitStarted = _time.GetTimestamp();
        string? lastDetail = null;
        while (true)
        {
            var (ready, detail) = await check(cancellationToken).ConfigureAwait(false);
            if (ready)
            {
                var healthyAfter = _time.GetElapsedTime(started);
                return ($"{what} healthy again after {healthyAfter.TotalSeconds:0.0} s", healthyAfter);
            }

            if (detail != lastDetail)
            {
                progress?.Report($"{what}: {_redactor.Redact(detail)}");
                lastDetail = detail;
            }

            if (_time.GetElapsedTime(waitStarted) >= timeout)
            {
                return ($"{what} not healthy within {timeout.TotalSeconds:0.#} s after restart (last: {detail})", null);
            }

            await Task.Delay(pollInterval, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Proxy listener restart threw")]
    private partial void LogProxyRestartFailed(Exception exception);
}
