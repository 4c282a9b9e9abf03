using OpsBot.History;
using OpsBot.Ops;

namespace OpsBot.Operations;

/// <summary>Runs smoke tests one after another and records each result in history (when this build has it).</summary>
internal sealed partial class SmokeRunner(TimeProvider time, ILogger<SmokeRunner> logger, ISmokeTestService? smoke = null, ISmokeTestHistory? history = null)
{
    public async Task<SmokeReport> RunAsync(IReadOnlyList<SmokeTestKind> kinds, string requestedBy, IProgress<string>? progress, SmokeProgressWording wording, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        if (smoke is null)
        {
            return new SmokeReport([], TimeSpan.Zero, $"the smoke test service is unavailable: {OpsOperations.NotInBuild}");
        }

        var results = new List<SmokeTestResult>();
        foreach (var kind in kinds)
        {
            progress?.Report(wording.Starting(kind));
            var testStarted = time.GetTimestamp();
            SmokeTestResult result;
            try
            {
                result = await smoke.RunAsync(kind, progress, cancellationToken);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                LogSmokeFailed(logger, kind, ex);
                result = new SmokeTestResult(kind, false, time.GetElapsedTime(testStarted), "", ex.Message);
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

    [LoggerMessage(EventId = OpsBotEventIds.SmokeRunnerSmokeFailed, Level = LogLevel.Error, Message = "Smoke test {Kind} threw.")]
    private static partial void LogSmokeFailed(ILogger logger, SmokeTestKind kind, Exception exception);
}
