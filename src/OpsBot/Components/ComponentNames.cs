namespace OpsBot.Components;

/// <summary>
/// OpsBot's parts besides the proxy, each with the configuration sections it owns. An invalid section disables its
/// component and nothing else; only <c>Proxy:*</c> can stop the start.
/// </summary>
public static class ComponentNames
{
    /// <summary>The bot (gateway, commands) and posting alerts: <c>Discord:*</c>.</summary>
    public const string Discord = "discord";

    /// <summary>SQLite history and the persisted alert outbox: <c>History:*</c>.</summary>
    public const string History = "history";

    /// <summary>No-reply, loop-guard and health alerts and their delivery: <c>Alerts:*</c>.</summary>
    public const string Alerts = "alerts";

    /// <summary>The background health monitor: <c>Ops:Monitor</c>.</summary>
    public const string Monitor = "monitor";

    /// <summary>The OpenClaw gateway host over SSH (probes, journal, restarts, smoke tests): <c>Ops:Gateway</c>.</summary>
    public const string GatewaySsh = "gateway-ssh";

    /// <summary>vLLM's Docker container (inspect, logs, restarts): <c>Ops:Vllm</c> and <c>Ops:Docker</c>.</summary>
    public const string VllmContainer = "vllm-container";

    /// <summary>Restarts and smoke tests: <c>Ops:Restart</c> and <c>Ops:Proxy</c>.</summary>
    public const string Ops = "ops";

    /// <summary>What an operator loses while a component is off or disabled (check-config says it beside the reason).</summary>
    public static IReadOnlyDictionary<string, string> WhatStops { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [Discord] = "no bot or commands; alerts go to the log only",
        [History] = "no incidents, traffic or charts are kept; alerts are queued in memory only",
        [Alerts] = "no alerts are evaluated or posted",
        [Monitor] = "no background probing, so no health alerts",
        [GatewaySsh] = "no gateway status, logs, restarts or agent smoke tests",
        [VllmContainer] = "no vLLM logs or restarts; vLLM is still probed over HTTP",
        [Ops] = "no restarts or smoke tests",
        [Charts] = "no charts and no daily digest",
    };

    /// <summary>Charts from history and the daily digest: <c>Charts:*</c> and <c>Alerts:Digest</c>.</summary>
    public const string Charts = "charts";

    /// <summary>Every component, in the order the views list them.</summary>
    public static IReadOnlyList<string> All { get; } = [Discord, History, Alerts, Monitor, GatewaySsh, VllmContainer, Ops, Charts];
}
