namespace OpsBot.Ops.Configuration;

/// <summary>Where vLLM answers and, optionally, which Docker container runs it (section <c>Ops:Vllm</c>).</summary>
public sealed class VllmOpsOptions : IOpsTarget
{
    public const string SectionName = "Ops:Vllm";

    /// <summary>The list form lives in the same section: <c>Ops:Vllm:0:Name</c>, <c>Ops:Vllm:0:ContainerName</c>, ….</summary>
    public const string ListSectionName = SectionName;

    /// <summary>How commands and alerts name this vLLM (<c>/restart service:vllm target:…</c>); <c>default</c> for the flat form.</summary>
    public string Name { get; set; } = OpsTargets.DefaultName;

    public Uri BaseUrl { get; set; } = new("http://127.0.0.1:8000");

    /// <summary>Container name; null leaves the Docker part unconfigured (probes say "not configured").</summary>
    public string? ContainerName { get; set; }

    /// <summary>Sent as Bearer on <c>/v1/models</c> when vLLM runs with <c>--api-key</c>; never logged.</summary>
    public string? ApiKey { get; set; }

    /// <summary>How long a restart may take until /health and /v1/models answer (model load is 60–90 s).</summary>
    public TimeSpan RestartReadyTimeout { get; set; } = TimeSpan.FromMinutes(3);

    public TimeSpan ReadyPollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Seconds Docker waits after SIGTERM before SIGKILL when restarting the container.</summary>
    public int StopTimeoutSeconds { get; set; } = 10;

    public bool ContainerConfigured => !string.IsNullOrWhiteSpace(ContainerName);
}
