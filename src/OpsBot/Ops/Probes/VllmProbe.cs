using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Options;
using OpsBot.Ops.Configuration;
using OpsBot.Ops.Docker;

namespace OpsBot.Ops.Probes;

/// <summary>/health, /v1/models, /metrics and the container, all at once.</summary>
public sealed class VllmProbe : IServiceProbe
{
    private readonly IHttpClientFactory _httpClients;
    private readonly IContainerEngine _containers;
    private readonly VllmOpsOptions _options;
    private readonly TimeProvider _time;
    private readonly IReadOnlyList<IVllmMetricsObserver> _observers;

    public VllmProbe(IHttpClientFactory httpClients, IContainerEngine containers, IOptions<VllmOpsOptions> options, TimeProvider time, IEnumerable<IVllmMetricsObserver>? observers = null)
    {
        _httpClients = httpClients;
        _containers = containers;
        _options = options.Value;
        _time = time;
        _observers = observers?.ToArray() ?? [];
    }

    public StackService Service => StackService.Vllm;

    public string? Target => OpsTargets.Shown(_options.Name);

    public async Task<ServiceStatus> ProbeAsync(CancellationToken cancellationToken)
    {
        var observation = await ObserveAsync(cancellationToken);
        return StackHealthRules.EvaluateVllm(observation);
    }

    public async Task<VllmObservation> ObserveAsync(CancellationToken cancellationToken)
    {
        var health = GetAsync("health", authorize: false, cancellationToken);
        var models = GetAsync("v1/models", authorize: true, cancellationToken);
        var metrics = GetAsync("metrics", authorize: false, cancellationToken);
        var container = _containers.InspectAsync(cancellationToken);
        await Task.WhenAll(health, models, metrics, container);

        var (modelsCheck, modelsBody) = await models;
        var (metricsCheck, metricsBody) = await metrics;
        var gauges = metricsCheck.Ok ? VllmMetricsParser.Parse(metricsBody) : null;
        if (gauges is not null)
        {
            var at = _time.GetUtcNow();
            foreach (var observer in _observers)
            {
                observer.OnSample(at, gauges);
            }
        }

        return new VllmObservation(
            (await health).Check,
            modelsCheck,
            modelsCheck.Ok ? ParseModelIds(modelsBody) : [],
            metricsCheck,
            gauges,
            await container);
    }

    /// <summary>True when both /health and /v1/models answer 2xx: the restart wait condition.</summary>
    public async Task<bool> IsReadyAsync(CancellationToken cancellationToken)
    {
        var (health, _) = await GetAsync("health", authorize: false, cancellationToken);
        if (!health.Ok)
        {
            return false;
        }

        var (models, body) = await GetAsync("v1/models", authorize: true, cancellationToken);
        return models.Ok && ParseModelIds(body).Count > 0;
    }

    internal static IReadOnlyList<string> ParseModelIds(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (!document.RootElement.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array)
            {
                return [];
            }

            return data.EnumerateArray()
                .Where(m => m.ValueKind == JsonValueKind.Object && m.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String)
                .Select(m => m.GetProperty("id").GetString()!)
                .ToArray();
        }
        catch (JsonException)
        {
            return [];
        }
    }

    private async Task<(EndpointCheck Check, string Body)> GetAsync(string path, bool authorize, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        try
        {
            var client = _httpClients.CreateClient(OpsHttpClients.Vllm);
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_options.BaseUrl, path));
            if (authorize && !string.IsNullOrEmpty(_options.ApiKey))
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _options.ApiKey);
            }

            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            return (new EndpointCheck((int)response.StatusCode, null, _time.GetElapsedTime(started)), body);
        }
        catch (HttpRequestException ex)
        {
            return (new EndpointCheck(null, $"/{path}: {ex.HttpRequestError switch
            {
                HttpRequestError.ConnectionError => "connection refused or unreachable",
                _ => ex.Message,
            }}", _time.GetElapsedTime(started)), "");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (new EndpointCheck(null, $"/{path}: timed out", _time.GetElapsedTime(started)), "");
        }
    }
}
