using OpsBot.Charts;
using OpsBot.Components;
using OpsBot.History;
using OpsBot.Ops;
using OpsBot.Status;

namespace OpsBot.Operations;

/// <summary>
/// <see cref="IOpsOperations"/> over the services this build has. Every collaborator is constructor-injected; the optional
/// ones (null when their part is not registered) are reported as unavailable by the operation that needs them.
/// </summary>
internal sealed partial class OpsOperations(
    StatusReader status,
    SmokeRunner smoke,
    ILogger<OpsOperations> logger,
    ILogTailService? logs = null,
    IHistoryQueryService? history = null,
    IChartService? charts = null) : IOpsOperations
{
    /// <summary>Why an optional part is missing.</summary>
    public const string NotInBuild = "it is not part of this build";

    public Task<StatusReport> GetStatusAsync(bool inService, CancellationToken cancellationToken) => status.GetReportAsync(inService, cancellationToken);

    public async Task<LogTail> GetLogsAsync(StackService service, int lines, string? target, CancellationToken cancellationToken)
    {
        lines = Math.Clamp(lines, 1, OpsLimits.MaxLogLines);
        if (logs is null)
        {
            return new LogTail(service, lines, [], $"the log service is unavailable: {NotInBuild}");
        }

        try
        {
            return await logs.TailAsync(service, target, lines, cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            LogTailFailed(logger, service, ex);
            return new LogTail(service, lines, [], ex.Message);
        }
    }

    public Task<SmokeReport> RunSmokeAsync(
        IReadOnlyList<SmokeTestKind> kinds, string requestedBy, IProgress<string>? progress, CancellationToken cancellationToken, SmokeProgressWording? wording = null, string? gateway = null) =>
        smoke.RunAsync(kinds, requestedBy, progress, wording ?? SmokeProgressWording.Plain, cancellationToken, gateway);

    public async Task<HistoryReport?> GetHistoryAsync(HistoryQuery query, CancellationToken cancellationToken) =>
        history is null ? null : await history.GetReportAsync(query, cancellationToken);

    public async Task<ChartImage?> GetChartAsync(ChartRange range, ChartSize? size, CancellationToken cancellationToken) =>
        charts is null ? null : await charts.RenderAsync(range, size, cancellationToken: cancellationToken);

    [LoggerMessage(EventId = OpsBotEventIds.OpsOperationsTailFailed, Level = LogLevel.Warning, Message = "Reading the {Service} log failed.")]
    private static partial void LogTailFailed(ILogger logger, StackService service, Exception exception);
}
