using OpsBot.Charts;
using OpsBot.Components;
using OpsBot.History;
using OpsBot.Ops;
using OpsBot.Status;

namespace OpsBot.Operations;

/// <summary>
/// The work behind <c>/status</c>, <c>/logs</c>, <c>/smoke</c>, <c>/history</c> and charts: one home that the Discord
/// commands, the admin socket and the CLI twin all call, so every front end reports the same facts and only the
/// rendering differs. Parts of OpsBot that are not in this build (or switched off) are reported, not thrown.
/// </summary>
public interface IOpsOperations
{
    /// <param name="inService">
    /// True inside the running service. The CLI passes false: its own process has no proxy counters,
    /// silences or maintenance windows, so it shows traffic from history instead of empty live numbers.
    /// </param>
    Task<StatusReport> GetStatusAsync(bool inService, CancellationToken cancellationToken);

    /// <summary>The last <paramref name="lines"/> (clamped to 1–<see cref="OpsLimits.MaxLogLines"/>) of a service log; a failure is in <see cref="LogTail.Error"/>.</summary>
    /// <param name="target">One of the service's configured targets (<c>Ops:Gateways:N:Name</c>); null: the first.</param>
    Task<LogTail> GetLogsAsync(StackService service, int lines, string? target, CancellationToken cancellationToken);

    /// <summary>Runs the tests one after another, reporting progress in <paramref name="wording"/> (default <see cref="SmokeProgressWording.Plain"/>), and records each result in history.</summary>
    /// <param name="gateway">
    /// The gateway target (<c>Ops:Gateways:N:Name</c>) for the agent tests; null: the only one, or each of several in turn.
    /// An unknown name is the report's <see cref="SmokeReport.Error"/>, naming the configured ones.
    /// </param>
    Task<SmokeReport> RunSmokeAsync(
        IReadOnlyList<SmokeTestKind> kinds, string requestedBy, IProgress<string>? progress, CancellationToken cancellationToken, SmokeProgressWording? wording = null, string? gateway = null);

    /// <returns>The report, or null when history is not part of this build.</returns>
    Task<HistoryReport?> GetHistoryAsync(HistoryQuery query, CancellationToken cancellationToken);

    /// <param name="size">Null for the configured size.</param>
    /// <returns>The chart, or null when charts are not part of this build.</returns>
    Task<ChartImage?> GetChartAsync(ChartRange range, ChartSize? size, CancellationToken cancellationToken);
}
