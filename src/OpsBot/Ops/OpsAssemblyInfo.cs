using System.Runtime.CompilerServices;

// The integration tests drive internal parsing helpers against the real sshd/podman output.
[assembly: InternalsVisibleTo("OpsBot.IntegrationTests")]
