using System.Text.Json;
using Microsoft.Extensions.Options;
using OpsBot.Components;
using OpsBot.Hosting;
using OpsBot.Ops;
using OpsBot.ProxyCore.Proxy;

namespace OpsBot.Operations;

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

    public async Task<ServiceStatus> ProbeAsync(CancellationToken cancellationToken) => (await ProbeServiceAsync(cancellationToken)).Proxy;

    /// <summary>The proxy's state and, when the running service answered, its components as its <c>/health</c> lists them.</summary>
    public async Task<(ServiceStatus Proxy, IReadOnlyList<ComponentStatus>? Components)> ProbeServiceAsync(CancellationToken cancellationToken)
    {
        var uri = HealthUri;
        using var client = _clients?.CreateClient(HttpClientName) ?? new HttpClient();
        client.Timeout = Timeout;
        try
        {
            using var response = await client.GetAsync(uri, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return (new ServiceStatus(StackService.Proxy, HealthState.Degraded, $"{uri.Authority} answered {(int)response.StatusCode}", [new("probed", $"GET {uri}")]), null);
            }

            var components = ReadComponents(await response.Content.ReadAsStringAsync(cancellationToken));
            return (new ServiceStatus(StackService.Proxy, HealthState.Healthy, $"answering on {uri.Authority}", [new("probed", $"GET {uri} → {(int)response.StatusCode}")]), components);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return (new ServiceStatus(StackService.Proxy, HealthState.Down, $"nothing answers on {uri.Authority}", [new("probed", $"GET {uri}: {ex.Message}")]), null);
        }
    }

    /// <summary>The <c>components</c> field of a <c>/health</c> body; null when it has none (another proxy, an older OpsBot).</summary>
    internal static IReadOnlyList<ComponentStatus>? ReadComponents(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty(ComponentsHealthField.Name, out var components) || components.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var result = new List<ComponentStatus>();
            foreach (var component in components.EnumerateObject())
            {
                if (component.Value.ValueKind == JsonValueKind.Object
                    && component.Value.TryGetProperty("state", out var state) && Enum.TryParse<ComponentState>(state.GetString(), ignoreCase: true, out var parsed))
                {
                    var reason = component.Value.TryGetProperty("reason", out var r) ? r.GetString() : null;
                    result.Add(new ComponentStatus(component.Name, parsed, reason));
                }
            }

            return result;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
