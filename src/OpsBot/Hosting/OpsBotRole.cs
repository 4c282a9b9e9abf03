namespace OpsBot.Hosting;

/// <summary>
/// What one OpsBot process runs (<c>OpsBot:Role</c>, also <c>--OpsBot:Role</c> or <c>OpsBot__Role</c>). Several proxies
/// may front the same vLLM backends, but the Discord bot, alerts, monitors, history and the admin socket must run in
/// exactly one instance: two bots would answer every command twice and post every alert twice (docs/backends.md).
/// </summary>
public enum OpsBotRole
{
    /// <summary>The default: the proxy and every component.</summary>
    All,

    /// <summary>Only the proxy, with its <c>/health</c> and <c>/metrics</c>; every component is off.</summary>
    Proxy,
}

/// <summary>Reads <see cref="OpsBotRole"/> from configuration.</summary>
public static class OpsBotRoles
{
    public const string Key = "OpsBot:Role";

    /// <summary>The configured role; <see cref="OpsBotRole.All"/> when unset or invalid (<see cref="Problems"/> stops the start then).</summary>
    public static OpsBotRole Of(IConfiguration configuration) =>
        Parse(configuration[Key]) ?? OpsBotRole.All;

    /// <summary>A value other than <c>all</c> or <c>proxy</c> is a start error: running the bot where only a proxy was meant would duplicate it.</summary>
    public static IEnumerable<string> Problems(IConfiguration configuration)
    {
        var value = configuration[Key];
        if (Parse(value) is null)
        {
            yield return $"{Key} must be 'all' (proxy, Discord bot, alerts and the rest) or 'proxy' (only the proxy and its metrics), got '{value}'.";
        }
    }

    private static OpsBotRole? Parse(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" or "all" => OpsBotRole.All,
        "proxy" => OpsBotRole.Proxy,
        _ => null,
    };
}
