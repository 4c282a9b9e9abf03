namespace OpsBot.Ops;

/// <summary>
/// The one spelling of each service in everything people read (/status, alerts, the CLI): <c>vLLM</c>, <c>proxy</c>,
/// <c>gateway</c>. Command options keep their lower-case words (<c>[ChoiceDisplay]</c> on <see cref="StackService"/>).
/// </summary>
public static class StackServiceNames
{
    public static string Of(StackService service) => service switch
    {
        StackService.Vllm => "vLLM",
        StackService.Proxy => "proxy",
        StackService.Gateway => "gateway",
        _ => throw new ArgumentOutOfRangeException(nameof(service), service, null),
    };

    /// <summary>
    /// A service's target as alerts name it in Discord markdown: "gateway `gw-b`"; just the service's name for the one
    /// unnamed target (<paramref name="target"/> null), so a single-target set-up reads as it always has.
    /// </summary>
    public static string Of(StackService service, string? target) => target is null ? Of(service) : $"{Of(service)} `{target}`";

    /// <summary>The same as plain text (terminal, logs): "gateway gw-b".</summary>
    public static string Plain(StackService service, string? target) => target is null ? Of(service) : $"{Of(service)} {target}";
}
