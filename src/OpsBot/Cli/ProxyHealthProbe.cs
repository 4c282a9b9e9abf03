using Microsoft.Extensions.Options;
using OpsBot.Ops;
using OpsBot.ProxyCore.Proxy;

namespace OpsBot.Cli;

/// <summary>
/// The proxy as seen from outside the service. The CLI runs in its own process, where the in-process
/// listener is never started, so it asks the running service's port instead of reporting that idle listener.
/// </summary>
public sealed class ProxyHealthProbe
{
    public const string HttpClientName = "opsbot-cli-probe";

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    private readonly IHttpClientFactory? _clients;
    private readonly IOptions<ProxyOptions> _options;

    public ProxyHealthProbe(IOptions<ProxyOptions> options, IHttpClientFactory? clients = null)
    {
        _options = options;
        _clients = clients;
    }

    public Uri HealthUri
    {
        get
        {
            var options = _options.Value;
            // A wildcard bind is reachable on loopback; anything else is asked where it listens.
            var host = options.Host is "0.0.0.0" or "::" or "*" or "+" or "" ? "127.0.0.1" : options.Host;
            return new UriBuilder("http", host, options.Port, "/health").Uri;
        }
    }

    public async Task<ServiceStatus> ProbeAsync(CancellationToken cancellationToken)
    {
        var uri = HealthUri;
        using var client = _clients?.CreateClient(HttpClientName) ?? new HttpClient();
        client.Timeout = Timeout;
        try
        {
            using var response = await client.GetAsync(uri, cancellationToken);
            return response.IsSuccessStatusCode
                ? new ServiceStatus(StackService.Proxy, HealthState.Healthy, $"answering on {uri.Authority}", [new("probed", $"GET {uri} → {(int)response.StatusCode}")])
                : new ServiceStatus(StackService.Proxy, HealthState.Degraded, $"{uri.Authority} answered {(int)response.StatusCode}", [new("probed", $"GET {uri}")]);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return new ServiceStatus(StackService.Proxy, HealthState.Down, $"nothing answers on {uri.Authority}", [new("probed", $"GET {uri}: {ex.Message}")]);
        }
    }
}
