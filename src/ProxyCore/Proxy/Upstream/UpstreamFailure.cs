using System.Net.Sockets;

namespace OpsBot.ProxyCore.Proxy.Upstream;

/// <summary>Turns transport exceptions into the status and message the client gets.</summary>
internal static class UpstreamFailure
{
    public static (int Status, string Type, string Message) Describe(Exception exception, string upstream, TimeSpan timeout) => exception switch
    {
        UpstreamUnavailableException { Retried: true } waited => (503, "upstream_unavailable", waited.Message),
        // Not retried: say what the connection attempt itself said.
        UpstreamUnavailableException { InnerException: HttpRequestException { InnerException: SocketException } refused } => Describe(refused, upstream, timeout),
        UpstreamUnavailableException unavailable => (502, "upstream_unavailable", $"vLLM at {upstream} is unreachable: {unavailable.InnerException?.Message}"),
        OperationCanceledException => (504, "upstream_timeout", $"vLLM at {upstream} did not answer within {timeout.TotalSeconds:0} s."),
        HttpRequestException { InnerException: SocketException socket } => (502, "upstream_unavailable", $"vLLM at {upstream} is unreachable ({socket.SocketErrorCode}). It may be starting or restarting."),
        HttpRequestException http => (502, "upstream_unavailable", $"vLLM at {upstream} failed: {http.Message}"),
        IOException io => (502, "upstream_unavailable", $"Connection to vLLM at {upstream} broke: {io.Message}"),
        _ => (502, "upstream_error", $"vLLM at {upstream} failed: {exception.Message}"),
    };
}
