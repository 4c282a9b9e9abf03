using Microsoft.Extensions.Options;
using OpsBot.Ops.Configuration;
using OpsBot.Ops.Security;

namespace OpsBot.Ops.Restarts;

/// <summary>
/// Restarts a service, waits until it is healthy again and records the attempt in the audit log.
/// </summary>
/// <remarks>
/// Stages: (1) the cooldown gate refuses a restart too soon after the last one; (2) the service's
/// <see cref="IServiceRestarter"/> restarts it; (3) its readiness check is polled until it passes or times out;
/// (4) the outcome, refusals included, goes to the <see cref="IRestartAuditLog"/>.
/// </remarks>
public sealed class RestartService(
    IEnumerable<IServiceRestarter> restarters,
    IRestartAuditLog audit,
    SecretRedactor redactor,
    IOptions<RestartOptions> options,
    TimeProvider time) : IRestartService
{
    // Per service, its targets in configuration order: the first is the one a restart without a target means.
    private readonly Dictionary<StackService, List<IServiceRestarter>> _restarters = restarters.GroupBy(r => r.Service).ToDictionary(g => g.Key, g => g.ToList());
    private readonly RestartGate _gate = new(options.Value.Cooldown, time);

    public async Task<RestartResult> RestartAsync(
        StackService service, string? target, string requestedBy, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var requestedAt = time.GetUtcNow();
        var started = time.GetTimestamp();
        var targets = _restarters.TryGetValue(service, out var found) ? found : throw new ArgumentOutOfRangeException(nameof(service), service, null);
        var restarter = string.IsNullOrWhiteSpace(target)
            ? targets[0]
            : targets.FirstOrDefault(r => string.Equals(r.Target, target.Trim(), StringComparison.OrdinalIgnoreCase));
        // With several targets every message and the audit name the one restarted ("gateway beta healthy again …").
        var several = targets.Count > 1;
        var gateKey = several && restarter is not null ? $"{service} {restarter.Target}" : service.ToString();
        RestartResult result;
        if (restarter is null)
        {
            result = new RestartResult(service, false, $"refused: no {targets[0].Name} target '{target}'; configured: {string.Join(", ", targets.Select(r => r.Target))}", TimeSpan.Zero, null);
        }
        else if (!_gate.TryEnter(gateKey, out var refusal))
        {
            result = new RestartResult(service, false, $"refused: {refusal}", TimeSpan.Zero, null);
        }
        else
        {
            try
            {
                var what = several ? $"{restarter.Name} {restarter.Target}" : restarter.Name;
                var outcome = await restarter.RestartAsync(progress, cancellationToken) is { } failure
                    ? (Message: several ? $"{what}: {failure}" : failure, TimeToHealthy: null)
                    : await WaitUntilReadyAsync(restarter, what, progress, started, cancellationToken);
                result = new RestartResult(service, outcome.TimeToHealthy is not null, redactor.Redact(outcome.Message), time.GetElapsedTime(started), outcome.TimeToHealthy);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                result = new RestartResult(service, false, "cancelled while waiting", time.GetElapsedTime(started), null);
            }
            finally
            {
                _gate.Exit(gateKey);
            }
        }

        // The audit record must survive the caller's cancellation.
        await audit.RecordAsync(
            new RestartAuditEntry(service, requestedBy, requestedAt, requestedAt + result.Elapsed, result.Succeeded, result.Message, result.TimeToHealthy),
            CancellationToken.None);
        progress?.Report(result.Message);
        return result;
    }

    /// <summary>Polls until ready or the timeout; progress only when the detail changes, so Discord is not flooded.</summary>
    private async Task<(string Message, TimeSpan? TimeToHealthy)> WaitUntilReadyAsync(
        IServiceRestarter restarter, string what, IProgress<string>? progress, long started, CancellationToken cancellationToken)
    {
        var timeout = restarter.ReadyTimeout;
        var waitStarted = time.GetTimestamp();
        string? lastDetail = null;
        while (true)
        {
            var (ready, detail) = await restarter.CheckReadyAsync(cancellationToken);
            if (ready)
            {
                var healthyAfter = time.GetElapsedTime(started);
                return ($"{what} healthy again after {healthyAfter.TotalSeconds:0.0} s", healthyAfter);
            }

            if (detail != lastDetail)
            {
                progress?.Report($"{what}: {redactor.Redact(detail)}");
                lastDetail = detail;
            }

            if (time.GetElapsedTime(waitStarted) >= timeout)
            {
                return ($"{what} not healthy within {timeout.TotalSeconds:0.#} s after restart (last: {detail})", null);
            }

            await Task.Delay(restarter.ReadyPollInterval, time, cancellationToken);
        }
    }
}
