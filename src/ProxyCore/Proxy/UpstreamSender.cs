using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.AspNetCore.Http;
using OpsBot.ProxyCore.Metrics;
using OpsBot.ProxyCore.Proxy.Backends;

namespace OpsBot.ProxyCore.Proxy;

/// <summary>
/// Sends a request to vLLM, riding out restarts and lost backends. Each attempt goes to the backend
/// <see cref="VllmBackends.Select"/> names; one that refuses the connection, answers 503 or breaks off before
/// answering is left for the next (a request that has sent nothing to its client yet loses nothing by moving).
/// Only when every backend failed does a request that may wait hold and retry with backoff for up to
/// <see cref="ProxyOptions.UpstreamWait"/> (the model takes 60–90 s to load), in a bounded queue.
/// </summary>
public sealed partial class UpstreamSender
{
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(3);

    private readonly IHttpClientFactory _clients;
    private readonly VllmBackends _backends;
    private readonly ProxyOptions _options;
    private readonly ProxyMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<UpstreamSender> _logger;
    private int _waiting;

    public UpstreamSender(IHttpClientFactory clients, VllmBackends backends, IOptions<ProxyOptions> options, ProxyMetrics metrics, TimeProvider time, ILogger<UpstreamSender> logger)
    {
        _clients = clients;
        _backends = backends;
        _options = options.Value;
        _metrics = metrics;
        _time = time;
        _logger = logger;
    }

    /// <summary>How errors name vLLM: its URL (masked), or all of them with several backends.</summary>
    public string UpstreamName => _backends.DisplayName;

    /// <summary>Requests currently waiting for vLLM to come back.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    /// <summary>Sends the client's request (method, path, query, end-to-end headers) with <paramref name="content"/> to a backend.</summary>
    /// <param name="content">Builds a fresh body per attempt (a sent HttpContent cannot be reused).</param>
    /// <param name="conversation">The chat request whose messages choose the backend (<see cref="ConversationAffinity"/>), or null.</param>
    /// <param name="canRetry">Nothing has reached the client: the request may wait for vLLM to come back.</param>
    /// <param name="canResend">The body can be built again: the request may move to another backend.</param>
    /// <returns>The answer; the chosen backend is set as the request's <see cref="UpstreamBackendFeature"/>.</returns>
    /// <exception cref="UpstreamUnavailableException">vLLM stayed down for the whole wait, or the wait queue is full.</exception>
    public async Task<HttpResponseMessage> SendAsync(HttpRequest request, Func<HttpContent?> content, JsonElement? conversation, bool canRetry, CancellationToken cancellationToken, bool canResend = true)
    {
        var client = _clients.CreateClient(UpstreamHttp.ClientName);
        var started = _time.GetTimestamp();
        var backoff = FirstBackoff;
        var queued = false;
        var tried = new List<VllmBackend>(_backends.All.Count);
        // With one backend there is nothing to choose: no hashing on the hot path.
        var affinity = _backends.IsMultiple && conversation is { } chat ? ConversationAffinity.KeyOf(chat) : null;
        Exception? failure = null;
        HttpResponseMessage? unavailable = null;
        // A request a backend died on is not held for a restart: it might be the request that killed it.
        var brokeOff = false;
        try
        {
            while (true)
            {
                if (_backends.Select(affinity, tried) is { } backend && (tried.Count == 0 || canResend))
                {
                    tried.Add(backend);
                    HttpResponseMessage? response = null;
                    backend.Started();
                    using (var message = UpstreamRequestFactory.Create(backend, request, content()))
                    {
                        try
                        {
                            response = await client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
                        }
                        catch (HttpRequestException ex) when (IsDown(ex))
                        {
                            failure = ex;
                        }
                        catch (HttpRequestException ex) when (_backends.IsMultiple && canResend && BrokeOff(ex))
                        {
                            failure = ex;
                            brokeOff = true;
                        }
                        catch
                        {
                            backend.Finished();
                            throw;
                        }
                    }

                    if (response is not null && response.StatusCode != HttpStatusCode.ServiceUnavailable)
                    {
                        _metrics.SetUpstreamUp(true);
                        if ((int)response.StatusCode >= 500)
                        {
                            _backends.ReportFailure(backend, $"answered {(int)response.StatusCode}");
                        }
                        else
                        {
                            backend.Answered();
                        }

                        unavailable?.Dispose();
                        request.HttpContext.Features.Set(new UpstreamBackendFeature(backend));
                        // Outstanding until the client's exchange ends: the answer is read for as long as it is relayed.
                        request.HttpContext.Response.RegisterForDispose(new Outstanding(backend));
                        return response;
                    }

                    backend.Finished();
                    _metrics.SetUpstreamUp(false);
                    if (_backends.IsMultiple)
                    {
                        var reason = response is null ? failure!.Message : "answered 503";
                        _backends.ReportFailure(backend, reason);
                        LogBackendFailed(_logger, backend.Name, reason);
                    }

                    if (response is not null)
                    {
                        unavailable?.Dispose();
                        unavailable = response;
                        failure = null;
                    }

                    continue;
                }

                // Every backend failed this round.
                var elapsed = _time.GetElapsedTime(started);
                if (!canRetry || !canResend || brokeOff || elapsed + backoff > _options.UpstreamWait)
                {
                    if (unavailable is not null && failure is null)
                    {
                        // vLLM's own 503 says more than ours would.
                        var last = unavailable;
                        unavailable = null;
                        request.HttpContext.Features.Set(new UpstreamBackendFeature(tried[^1]));
                        return last;
                    }

                    throw new UpstreamUnavailableException(elapsed, failure!, retried: queued);
                }

                unavailable?.Dispose();
                unavailable = null;
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
                tried.Clear();
            }
        }
        finally
        {
            unavailable?.Dispose();
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

    /// <summary>
    /// The backend closed the connection before its answer's headers: it died (or restarted) mid-request. With another
    /// backend to ask, the request moves there; alone, it fails as it always did rather than asking the same server again.
    /// </summary>
    private static bool BrokeOff(HttpRequestException exception) =>
        exception.HttpRequestError is HttpRequestError.ResponseEnded || exception.InnerException is IOException;

    /// <summary>Counts a request against its backend until the client's exchange is over.</summary>
    private sealed class Outstanding(VllmBackend backend) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0)
            {
                backend.Finished();
            }
        }
    }

    [LoggerMessage(EventId = 400, Level = LogLevel.Warning, Message = "vLLM is down or restarting; holding the request for up to {Seconds} s")]
    private static partial void LogWaiting(ILogger logger, double seconds);

    [LoggerMessage(EventId = 401, Level = LogLevel.Warning, Message = "vLLM backend {Backend} failed ({Reason}); the request moves to another backend if one is left")]
    private static partial void LogBackendFailed(ILogger logger, string backend, string reason);
}
