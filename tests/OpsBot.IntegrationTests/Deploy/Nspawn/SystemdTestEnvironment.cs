namespace OpsBot.IntegrationTests.Deploy.Nspawn;

/// <summary>The environment variables that steer the systemd deployment test, read in one place.</summary>
public static class SystemdTestEnvironment
{
    public const string SkipVariable = "OPSBOT_SKIP_SYSTEMD_TEST";

    public static bool IsCi => IsTrue(Environment.GetEnvironmentVariable("CI"));

    /// <summary>A developer may opt out explicitly; CI never skips, it fails with the reason instead.</summary>
    public static bool SkipRequested => !IsCi && IsTrue(Environment.GetEnvironmentVariable(SkipVariable));

    /// <summary>Fails at once with what to do when the test cannot run here.</summary>
    public static void EnsureCanRun()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            throw new InvalidOperationException(
                "the systemd deployment test boots a container with systemd-nspawn and needs root: run the tests as root "
                + $"(sudo scripts/test.sh), or skip it locally with {SkipVariable}=1 (CI never skips).");
        }
    }

    private static bool IsTrue(string? value) =>
        value is not null && (value == "1" || value.Equals("true", StringComparison.OrdinalIgnoreCase));
}
