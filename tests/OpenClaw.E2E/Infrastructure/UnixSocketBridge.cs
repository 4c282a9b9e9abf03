using System.Net;
using System.Net.Sockets;

namespace OpsBot.OpenClaw.E2E.Infrastructure;

/// <summary>
/// Host end of the way into OpenClaw's private network namespace: accepts on a Unix socket (a file, so visible
/// from inside the namespace) and relays each connection to a TCP endpoint on the host's loopback.
/// </summary>
public sealed class UnixSocketBridge : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _acceptLoop;
    private readonly List<Task> _relays = [];

    private UnixSocketBridge(string socketPath, IPEndPoint target)
    {
        SocketPath = socketPath;
        _target = target;
        _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _listener.Bind(new UnixDomainSocketEndPoint(socketPath));
        _listener.Listen(16);
        _acceptLoop = AcceptLoopAsync(_stopping.Token);
    }

    public string SocketPath { get; }

    /// <summary>Connections relayed so far: lets a test tell "OpenClaw never called" from "the upstream failed".</summary>
    public int ConnectionCount { get; private set; }

    public static UnixSocketBridge Start(string socketPath, Uri target)
    {
        if (!IPAddress.IsLoopback(IPAddress.Parse(target.Host)))
        {
            throw new ArgumentException($"The bridge only relays to loopback, not {target}.", nameof(target));
        }

        return new UnixSocketBridge(socketPath, new IPEndPoint(IPAddress.Parse(target.Host), target.Port));
    }

    private async Task AcceptLoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(cancellationToken);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            ConnectionCount++;
            lock (_relays)
            {
                _relays.Add(RelayAsync(client, cancellationToken));
            }
        }
    }

    private async Task RelayAsync(Socket client, CancellationToken cancellationToken)
    {
        using (client)
        using (var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            try
            {
                await upstream.ConnectAsync(_target, cancellationToken);
                await Task.WhenAll(
                    PumpAsync(client, upstream, cancellationToken),
                    PumpAsync(upstream, client, cancellationToken));
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or IOException)
            {
                // One side went away; closing both (by disposal) is all a relay can do.
            }
        }
    }

    private static async Task PumpAsync(Socket from, Socket to, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await from.ReceiveAsync(buffer, SocketFlags.None, cancellationToken)) > 0)
        {
            await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, cancellationToken);
        }

        // Pass the half-close on, so an HTTP/1.1 peer sees the end of the body it is waiting for.
        to.Shutdown(SocketShutdown.Send);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Dispose();
        await _acceptLoop;
        Task[] relays;
        lock (_relays)
        {
            relays = [.. _relays];
        }

        await Task.WhenAll(relays);
        _stopping.Dispose();
        File.Delete(SocketPath);
    }
}
