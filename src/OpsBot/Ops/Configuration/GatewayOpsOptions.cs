namespace OpsBot.Ops.Configuration;

/// <summary>
/// The OpenClaw gateway host reached over SSH (section <c>Ops:Gateway</c>). Without <see cref="Host"/>
/// the gateway part is unconfigured and its probes report Unknown instead of failing.
/// </summary>
public sealed class GatewayOpsOptions : IOpsTarget
{
    public const string SectionName = "Ops:Gateway";

    /// <summary>The list form: <c>Ops:Gateways:0:Name</c>, <c>Ops:Gateways:0:Host</c>, … (one entry per gateway host).</summary>
    public const string ListSectionName = "Ops:Gateways";

    /// <summary>How commands and alerts name this gateway (<c>/restart service:gateway target:…</c>); <c>default</c> for the flat form.</summary>
    public string Name { get; set; } = OpsTargets.DefaultName;

    public string? Host { get; set; }

    public int SshPort { get; set; } = 22;

    public string? User { get; set; }

    public string? PrivateKeyPath { get; set; }

    public string? PrivateKeyPassphrase { get; set; }

    /// <summary>Pinned host key as <c>ssh-keygen -lf</c> prints it: <c>SHA256:</c> + unpadded base64.</summary>
    public string? HostKeyFingerprint { get; set; }

    public string UnitName { get; set; } = "openclaw-gateway.service";

    /// <summary>The gateway's own listening port, probed over TCP.</summary>
    public int GatewayPort { get; set; } = 18791;

    /// <summary>Host for the TCP probe of <see cref="GatewayPort"/>; defaults to <see cref="Host"/>.</summary>
    public string? GatewayProbeHost { get; set; }

    /// <summary>Directory of the detailed log files <c>openclaw-YYYY-MM-DD.log</c> on the gateway host.</summary>
    public string LogDirectory { get; set; } = "/tmp/openclaw";

    /// <summary>The <c>openclaw</c> executable on the gateway host (non-login SSH sessions may lack its PATH).</summary>
    public string OpenClawCommand { get; set; } = "openclaw";

    /// <summary>Environment for <c>openclaw agent</c>, e.g. <c>VLLM_API_KEY</c>; values are secrets.</summary>
    public Dictionary<string, string> OpenClawEnvironment { get; set; } = new(StringComparer.Ordinal);

    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan SmokeTestTimeout { get; set; } = TimeSpan.FromMinutes(3);

    public TimeSpan RestartReadyTimeout { get; set; } = TimeSpan.FromSeconds(90);

    public TimeSpan ReadyPollInterval { get; set; } = TimeSpan.FromSeconds(2);

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Host);

    public string EffectiveProbeHost => string.IsNullOrWhiteSpace(GatewayProbeHost) ? Host ?? "" : GatewayProbeHost;
}
