namespace OpsBot.Alerts;

/// <summary>What a silence or maintenance window applies to. <see cref="NoReply"/> is the agent-level symptom, not a service.</summary>
public enum AlertTarget
{
    Vllm,
    Proxy,
    Gateway,
    NoReply,
}
