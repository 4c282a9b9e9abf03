using OpsBot.Operations;

namespace OpsBot.Ops;

/// <summary>The three parts of the stack OpsBot watches and controls; the names are the one table of service words.</summary>
public enum StackService
{
    [ChoiceDisplay("vllm")]
    Vllm,

    [ChoiceDisplay("proxy", "opsbot")]
    Proxy,

    [ChoiceDisplay("gateway", "openclaw")]
    Gateway,
}
