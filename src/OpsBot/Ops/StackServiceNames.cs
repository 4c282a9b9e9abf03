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
}
