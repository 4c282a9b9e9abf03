using OpsBot.Ops;

namespace OpsBot.Alerts;

/// <summary>Names people type in <c>/silence</c>, and which target a service's alerts belong to.</summary>
public static class AlertTargets
{
    public const string All = "all";

    public static IReadOnlyList<string> Names { get; } = ["vllm", "proxy", "gateway", "no-reply", All];

    public static AlertTarget ForService(StackService service) => service switch
    {
        StackService.Vllm => AlertTarget.Vllm,
        StackService.Proxy => AlertTarget.Proxy,
        _ => AlertTarget.Gateway,
    };

    /// <summary>Parses a target name; <c>all</c> gives <paramref name="target"/> = null.</summary>
    public static bool TryParse(string? text, out AlertTarget? target)
    {
        target = null;
        switch (text?.Trim().ToLowerInvariant())
        {
            case All:
                return true;
            case "vllm":
                target = AlertTarget.Vllm;
                return true;
            case "proxy":
                target = AlertTarget.Proxy;
                return true;
            case "gateway" or "openclaw":
                target = AlertTarget.Gateway;
                return true;
            case "no-reply" or "noreply" or "no_reply":
                target = AlertTarget.NoReply;
                return true;
            default:
                return false;
        }
    }

    /// <summary>What a silence covers, as people read it: "vLLM alerts", "all alerts" (service names from <see cref="StackServiceNames"/>).</summary>
    public static string Describe(AlertTarget? target) => target switch
    {
        null => "all alerts",
        AlertTarget.Vllm => $"{StackServiceNames.Of(StackService.Vllm)} alerts",
        AlertTarget.Proxy => $"{StackServiceNames.Of(StackService.Proxy)} alerts",
        AlertTarget.Gateway => $"{StackServiceNames.Of(StackService.Gateway)} alerts",
        _ => "no-reply alerts",
    };

    public static string Name(AlertTarget? target) => target switch
    {
        null => All,
        AlertTarget.Vllm => "vllm",
        AlertTarget.Proxy => "proxy",
        AlertTarget.Gateway => "gateway",
        _ => "no-reply",
    };
}
