namespace OpsBot.Ops;

/// <summary>The three parts of the stack OpsBot watches and controls.</summary>
public enum StackService
{
    Vllm,
    Proxy,
    Gateway,
}
