namespace OpsBot.Ops.Configuration;

/// <summary>The Docker Engine API endpoint (section <c>Ops:Docker</c>).</summary>
public sealed class DockerOpsOptions
{
    public const string SectionName = "Ops:Docker";

    public Uri Endpoint { get; set; } = new("unix:///var/run/docker.sock");
}
