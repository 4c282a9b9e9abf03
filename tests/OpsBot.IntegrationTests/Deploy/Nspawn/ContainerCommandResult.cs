namespace OpsBot.IntegrationTests.Deploy.Nspawn;

/// <summary>What a command run inside the container printed and returned.</summary>
public sealed record ContainerCommandResult(int ExitCode, string Stdout, string Stderr, TimeSpan Elapsed)
{
    public bool Succeeded => ExitCode == 0;

    public string Output => (Stdout + Stderr).Trim();

    /// <summary>Throws with everything the command printed unless it exited 0.</summary>
    public ContainerCommandResult EnsureSuccess(string what) => Succeeded
        ? this
        : throw new InvalidOperationException($"{what} exited {ExitCode} after {Elapsed.TotalSeconds:F1} s:{Environment.NewLine}{Output}");
}
