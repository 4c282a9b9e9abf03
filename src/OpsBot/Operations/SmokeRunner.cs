using OpsBot.History;
using OpsBot.Ops;
using OpsBot.Ops.Configuration;

namespace OpsBot.Operations;

/// <summary>
/// Runs smoke tests one after another and records each result in history (when this build has it). With several gateways
/// the agent tests run on each in turn (or on the one named), after the proxy test, which does not involve a gateway.
/// </summary>
internal sealed partial class SmokeRunner(
    TimeProvider time, ILogger<SmokeRunner> logger, ISmokeTestService? smoke = null, ISmokeTestHistory? history = null, OpsTargets? targets = null)
{
    /// <param name="gateway">The gateway target for the agent tests; null: the only one, or each of several in turn.</param>
    public async Task<SmokeReport> RunAsync(
        IReadOnlyList<SmokeTestKind> kinds, string requestedBy, IProgress<string>? progress, SmokeProgressWording wording, CancellationToken cancellationToken, string? gateway = null)
    {
        var started = time.GetTimestamp();
        if (smoke is null)
        {
            return new SmokeReport([], TimeSpan.Zero, $"the smoke test service is unavailable: {OpsOperations.NotInBuild}");
        }

        if (Plan(kinds, gateway, out var error) is not { } plan)
        {
            return new SmokeReport([], TimeSpan.Zero, error);
        }

        var results = new List<SmokeTestResult>();
        string? current = null;
        foreach (var (kind, target) in plan)
        {
            if (target is not null && target != current)
            {
                progress?.Report(wording.Gateway(target));
                current = target;
            }

            progress?.Report(wording.Starting(kind));
            var testStarted = time.GetTimestamp();
            SmokeTestResult result;
            try
            {
                // Untargeted runs keep the one-gateway call, which is what they always were.
                result = await (target is null ? smoke.RunAsync(kind, progress, cancellationToken) : smoke.RunAsync(kind, target, progress, cancellationToken));
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                LogSmokeFailed(logger, kind, ex);
                result = new SmokeTestResult(kind, false, time.GetElapsedTime(testStarted), "", ex.Message, target);
            }

            results.Add(result);
            progress?.Report(wording.Finished(result));
            if (history is not null)
            {
                await history.RecordAsync(SmokeTestRecord.From(result, requestedBy, time.GetUtcNow()), cancellationToken);
            }
        }

        return new SmokeReport(results, time.GetElapsedTime(started));
    }

    /// <summary>
    /// Which test runs on which gateway, in order. One gateway (or none known): the tests as asked, untargeted. Several: the
    /// proxy test once, then the agent tests on the named gateway, or on each gateway in configuration order.
    /// </summary>
    private List<(SmokeTestKind Kind, string? Gateway)>? Plan(IReadOnlyList<SmokeTestKind> kinds, string? gateway, out string? error)
    {
        error = null;
        var names = targets?.Names(StackService.Gateway) ?? [];
        IReadOnlyList<string?> gateways;
        if (string.IsNullOrWhiteSpace(gateway))
        {
            gateways = names.Count > 1 ? [.. names] : [null];
        }
        else if (targets is null)
        {
            gateways = [gateway.Trim()];
        }
        else
        {
            var name = targets.Resolve(StackService.Gateway, gateway, out error);
            if (name is null)
            {
                return null;
            }

            gateways = [names.Count > 1 ? name : null];
        }

        if (gateways is [null])
        {
            return [.. kinds.Select(k => (k, (string?)null))];
        }

        return
        [
            .. kinds.Where(k => k == SmokeTestKind.ProxyDirect).Select(k => (k, (string?)null)),
            .. gateways.SelectMany(g => kinds.Where(k => k != SmokeTestKind.ProxyDirect).Select(k => (k, g))),
        ];
    }

    [LoggerMessage(EventId = OpsBotEventIds.SmokeRunnerSmokeFailed, Level = LogLevel.Error, Message = "Smoke test {Kind} threw.")]
    private static partial void LogSmokeFailed(ILogger logger, SmokeTestKind kind, Exception exception);
}
