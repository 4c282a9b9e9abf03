namespace OpsBot.Ops.Probes;

/// <summary>Named clients registered by AddOps.</summary>
public static class OpsHttpClients
{
    public const string Vllm = "OpsBot.Ops.Vllm";
    public const string Proxy = "OpsBot.Ops.Proxy";
}
