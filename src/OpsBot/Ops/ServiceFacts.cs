namespace OpsBot.Ops;

/// <summary>
/// The typed figures behind a service's state, for renderers that lay them out themselves (/status, <c>opsbot status</c>);
/// null where the probe did not get them or the service has no such figure.
/// </summary>
/// <param name="Since">When the service last started: vLLM's container, the gateway unit entering its state, the proxy's listener.</param>
/// <param name="Restarts">Restarts counted by its supervisor: Docker for vLLM, systemd (<c>NRestarts</c>) for the gateway.</param>
/// <param name="State">The supervisor's own word for it: the gateway unit's <c>active (running)</c>, vLLM's container <c>running</c>.</param>
/// <param name="KvCacheUsage">vLLM's KV-cache use, a fraction (1 = full).</param>
public sealed record ServiceFacts(
    DateTimeOffset? Since = null,
    long? Restarts = null,
    string? State = null,
    IReadOnlyList<string>? Models = null,
    double? RequestsRunning = null,
    double? RequestsWaiting = null,
    double? KvCacheUsage = null,
    int? Port = null,
    bool? PortOpen = null)
{
    public static ServiceFacts None { get; } = new();
}
