namespace OpsBot.Components;

/// <summary>Where a part of OpsBot other than the proxy stands. The proxy itself is never a component: it always runs.</summary>
public enum ComponentState
{
    /// <summary>Configured and starting (Discord connecting, history opening).</summary>
    Starting,

    Running,

    /// <summary>Running but not doing all of its job (Discord unreachable, history locked, alerts queued).</summary>
    Degraded,

    /// <summary>Threw or was refused for good at run time; retried where retrying can help.</summary>
    Failed,

    /// <summary>Its configuration is invalid: not started. Fix the key named in the reason and restart OpsBot.</summary>
    Disabled,

    /// <summary>Not configured or switched off on purpose (no Discord token, no gateway host): nothing is wrong.</summary>
    Off,
}
