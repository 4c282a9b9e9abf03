using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpsBot.Ops.Configuration;
using OpsBot.Ops.Probes;

namespace OpsBot.Ops.Restarts;

/// <summary>Restarts the proxy's listener in process; ready once its <c>/health</c> answers.</summary>
public sealed partial class ProxyRestarter(
    IProxyListener listener, IHttpClientFactory httpClients, IOptions<ProxyOpsOptions> options, TimeProvider time, ILogger<ProxyRestarter> logger)
    : IServiceRestarter
{
    private readonly ProxyOpsOptions _proxy = options.Value;

    public StackService Service => StackService.Proxy;

    public string Name => "proxy";

    public TimeSpan ReadyTimeout => _proxy.RestartReadyTimeout;

    public TimeSpan ReadyPollInterval => _proxy.ReadyPollInterval;

    public async Task<string?> RestartAsync(IProgress<string>? progress, CancellationToken cancellationToken)
    {
        progress?.Report("restarting the proxy listener");
        try
        {
            await listener.RestartAsync(cancellationToken);
            return null;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogProxyRestartFailed(ex);
            return $"proxy listener restart failed: {ex.Message}";
        }
    }

    public async Task<(bool Ready, string Detail)> CheckReadyAsync(CancellationToken cancellationToken)
    {
        try
        {
            var client = httpClients.CreateClient(OpsHttpClients.Proxy);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5), time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            using var response = await client.GetAsync(new Uri(_proxy.ResolveBaseUrl(listener), "health"), linked.Token);
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

    [LoggerMessage(EventId = OpsBotEventIds.ProxyRestarterProxyRestartFailed, Level = LogLevel.Error, Message = "Proxy listener restart threw")]
    private partial void LogProxyRestartFailed(Exception exception);
}
