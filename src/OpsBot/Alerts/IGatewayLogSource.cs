namespace OpsBot.Alerts;

/// <summary>
/// New lines of one OpenClaw gateway's log (read over SSH by the Ops adapter, e.g. <c>journalctl --after-cursor</c>).
/// A null cursor means "from now": answer no old lines, only a cursor, so a restart does not re-alert history.
/// Lines are redacted by the source. Throws when the log cannot be read; the watcher retries.
/// </summary>
public interface IGatewayLogSource
{
    /// <summary>The gateway target this log belongs to, as alerts name it; null or empty for the only (unnamed) gateway.</summary>
    string? Gateway => null;

    Task<GatewayLogBatch> ReadSinceAsync(string? cursor, CancellationToken cancellationToken);
}
