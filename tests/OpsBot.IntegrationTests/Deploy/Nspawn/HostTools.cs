namespace OpsBot.IntegrationTests.Deploy.Nspawn;

/// <summary>Finds the host programs the deployment test drives, naming the Debian package when one is missing.</summary>
public static class HostTools
{
    private static readonly string[] Directories = ["/usr/bin", "/usr/sbin", "/bin", "/sbin"];

    public static string Require(string program, string debianPackage) =>
        Directories.Select(d => Path.Combine(d, program)).FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException(
            $"{program} is missing: run 'apt-get install -y {debianPackage}' as root (scripts/test.sh, the README's test command, installs it).");
}
