namespace OpsBot.Alerts;

/// <summary>Gateway log lines after a cursor, and the cursor to ask from next time.</summary>
public sealed record GatewayLogBatch(IReadOnlyList<string> Lines, string Cursor);
