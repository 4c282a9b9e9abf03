namespace OpsBot.Ops.Probes;

/// <summary>What SSH and the TCP probe told about the gateway; <see cref="SshError"/> set when SSH gave nothing.</summary>
public sealed record GatewayObservation(
    bool Configured,
    string UnitName,
    string? ActiveState,
    SystemdUnitState? Unit,
    string? LastDiscordLogin,
    string? SshError,
    int Port,
    bool PortOpen,
    string? PortError)
{
    public static GatewayObservation NotConfigured(string unit, int port) => new(false, unit, null, null, null, null, port, false, null);
}
