namespace OpsBot.Ops.Configuration;

/// <summary>Restart guard rails (section <c>Ops:Restart</c>).</summary>
public sealed class RestartOptions
{
    public const string SectionName = "Ops:Restart";

    /// <summary>Minimum time between the end of one restart of a service and the start of the next.</summary>
    public TimeSpan Cooldown { get; set; } = TimeSpan.FromSeconds(60);

    public int AuditCapacity { get; set; } = 200;
}
