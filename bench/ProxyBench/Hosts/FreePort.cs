using System.Net;
using System.Net.Sockets;

namespace OpsBot.Bench.Hosts;

internal static class FreePort
{
    /// <summary>
    /// Loopback ports free right now, all distinct (each is held until the last is chosen). opsbot takes
    /// --port and cannot report a port-0 choice back.
    /// </summary>
    public static int[] Next(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToArray();
        try
        {
            foreach (var listener in listeners)
            {
                listener.Start();
            }

            return listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        }
        finally
        {
            foreach (var listener in listeners)
            {
                listener.Dispose();
            }
        }
    }
}
