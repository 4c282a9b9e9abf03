using OpsBot.Operations;
using OpsBot.Ops;

namespace OpsBot.Alerts;

/// <summary>Names people type in <c>/silence</c> (from <see cref="SilenceTarget"/>), and which target a service's alerts belong to.</summary>
public static class AlertTargets
{
    public static string All { get; } = EnumNames<SilenceTarget>.NameOf(SilenceTarget.All);

    public static IReadOnlyList<string> Names => EnumNames<SilenceTarget>.Names;

    public static AlertTarget ForService(StackService service) => service switch
    {
        StackService.Vllm => AlertTarget.Vllm,
        StackService.Proxy => AlertTarget.Proxy,
        _ => AlertTarget.Gateway,
    };

    /// <summary>Parses a target name; <c>all</c> gives <paramref name="target"/> = null.</summary>
    public static bool TryParse(string? text, out AlertTarget? target)
    {
        var known = EnumNames<SilenceTarget>.TryParse(text, out var parsed);
        target = known && parsed != SilenceTarget.All ? (AlertTarget)parsed : null;
        return known;
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

    public static string Name(AlertTarget? target) => EnumNames<SilenceTarget>.NameOf(target is { } one ? (SilenceTarget)one : SilenceTarget.All);
}
