namespace OpsBot.Ops.Probes;

public interface ITcpPortProbe
{
    /// <summary>True when a TCP connection opens within the timeout; otherwise the reason.</summary>
    Task<(bool Open, string? Error)> ProbeAsync(string host, int port, TimeSpan timeout, CancellationToken cancellationToken);
}
