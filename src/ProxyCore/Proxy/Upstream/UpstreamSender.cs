using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpsBot.ProxyCore.Metrics;

namespace OpsBot.ProxyCore.Proxy.Upstream;

/// <summary>
/// Sends a request to vLLM, riding out restarts: while vLLM refuses connections or answers 503 (the
/// model takes 60–90 s to load), a request that has sent nothing to its client yet waits and retries
/// with backoff for up to <see cref="ProxyOptions.UpstreamWait"/>, in a bounded queue.
/// </summary>
internal sealed partial class UpstreamSender
{
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(3);

    private readonly IHttpClientFactory _clients;
    private readonly ProxyOptions _options;
    private readonly ProxyMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<UpstreamSender> _logger;
    private int _waiting;

    public UpstreamSender(IHttpClientFactory clients, IOptions<ProxyOptions> options, ProxyMetrics metrics, TimeProvider time, ILogger<UpstreamSender> logger)
    {
        _clients = clients;
        _options = options.Value;
        _metrics = metrics;
        _time = time;
        _logger = logger;
    }

    /// <summary>Requests currently waiting for vLLM to come back.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    /// <param name="createRequest">Builds a fresh request per attempt (a sent HttpRequestMessage cannot be reused).</param>
    /// <exception cref="UpstreamUnavailableException">vLLM stayed down for the whole wait, or the wait queue is full.</exception>
    public async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> createRequest, bool canRetry, CancellationToken cancellationToken)
    {
        var client = _clients.CreateClient(UpstreamHttp.ClientName);
        var started = _time.GetTimestamp();
        var backoff = FirstBackoff;
        var queued = false;
        try
        {
            while (true)
            {
                Exception? failure = null;
                HttpResponseMessage? response = null;
                using (var request = createRequest())
                {
                    try
                    {
                        response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
                    }
                    catch (HttpRequestException ex) when (IsDown(ex))
                    {
                        failure = ex;
                    }
                }

                if (response is not null && response.StatusCode != HttpStatusCode.ServiceUnavailable)
                {
                    _metrics.SetUpstreamUp(true);
                    return response;
                }

                _metrics.SetUpstreamUp(false);
                var elapsed = _time.GetElapsedTime(started);
                if (!canRetry || elapsed + backoff > _options.UpstreamWait)
                {
                    if (response is not null)
                    {
                        // vLLM's own 503 says more than ours would.
                        return response;
                    }

                    throw new UpstreamUnavailableException(elapsed, failure!, retried: queued);
                }

                response?.Dispose();
                if (!queued)
                {
                    if (Interlocked.Increment(ref _waiting) > _options.MaxWaitingRequests)
                    {
                        Interlocked.Decrement(ref _waiting);
                        throw new UpstreamUnavailableException(elapsed, failure ?? new HttpRequestException("vLLM answered 503"), queueFull: true);
                    }

                    queued = true;
                    LogWaiting(_logger, _options.UpstreamWait.TotalSeconds);
                }

                _metrics.RecordUpstreamRetry();
                await Task.Delay(backoff, _time, cancellationToken);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
            }
        }
        finally
        {
            if (queued)
            {
                Interlocked.Decrement(ref _waiting);
            }
        }
    }

    /// <summary>Connection-level failures that mean vLLM is not there (yet), as opposed to a broken request.</summary>
    private static bool IsDown(HttpRequestException exception) =>
        exception.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError
        || exception.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused or SocketError.ConnectionReset or SocketError.HostUnreachable };

    [LoggerMessage(EventId = 400, Level = LogLevel.Warning, Message = "vLLM is down or restarting; holding the request for up to {Seconds} s")]
    private static partial void LogWaiting(ILogger logger, double seconds);
}
