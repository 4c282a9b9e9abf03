namespace OpsBot.IntegrationTests.Deploy.Nspawn;

/// <summary>A fact run in the systemd-nspawn container; skipped only when a developer (never CI) asks for it.</summary>
public sealed class SystemdFactAttribute : FactAttribute
{
    public SystemdFactAttribute()
    {
        if (SystemdTestEnvironment.SkipRequested)
        {
            Skip = $"{SystemdTestEnvironment.SkipVariable}=1: systemd deployment test skipped on request.";
        }
    }
}
