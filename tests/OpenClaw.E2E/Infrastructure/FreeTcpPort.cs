using System.Net;
using System.Net.Sockets;

namespace OpsBot.OpenClaw.E2E.Infrastructure;

/// <summary>A loopback port the OS just handed out, for servers that take <c>--port</c> instead of binding port 0.</summary>
public static class FreeTcpPort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
