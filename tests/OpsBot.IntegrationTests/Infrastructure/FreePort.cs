using System.Net;
using System.Net.Sockets;

namespace OpsBot.IntegrationTests.Infrastructure;

public static class FreePort
{
    /// <summary>A port the OS just handed out on 127.0.0.1 (for servers we cannot ask to bind port 0).</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
