using System.Net.Sockets;

namespace OpsBot.Ops.Probes;

public sealed class TcpPortProbe : ITcpPortProbe
{
    private readonly TimeProvider _time;

    public TcpPortProbe(TimeProvider time) => _time = time;

    public async Task<(bool Open, string? Error)> ProbeAsync(string host, int port, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(host, port, linked.Token);
            return (true, null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (false, $"no answer within {timeout.TotalSeconds:0.#} s");
        }
        catch (SocketException ex)
        {
            return (false, ex.SocketErrorCode == SocketError.ConnectionRefused ? "connection refused" : ex.Message);
        }
    }
}
