namespace OpsBot.Ops.Docker;

public enum ContainerProbeOutcome
{
    NotConfigured,
    Found,
    NotFound,
    EngineUnreachable,
    Failed,
}
