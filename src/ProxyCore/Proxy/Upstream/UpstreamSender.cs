using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpsBot.ProxyCore.Metrics;
using Polly;
using Polly.Retry;

namespace OpsBot.ProxyCore.Proxy.Upstream;

/// <summary>
/// Sends a request to vLLM, riding out restarts: while vLLM refuses connections or answers 503 (the
/// model takes 60–90 s to load), a request that has sent nothing to its client yet waits and retries
/// with backoff for up to <see cref="ProxyOptions.UpstreamWait"/>, in a bounded queue.
/// </summary>
/// <remarks>
/// The waiting is a Polly retry pipeline: (1) an attempt sends a fresh request; (2) a connection-level failure or a 503
/// is retried only when the caller allows it (nothing reached the client yet) and the next backoff (200 ms doubling to
/// 3 s) still ends within <see cref="ProxyOptions.UpstreamWait"/>; (3) the first retry joins the wait queue, or is
/// refused when <see cref="ProxyOptions.MaxWaitingRequests"/> already wait; (4) what is not retried is the answer:
/// vLLM's own 503 as it is, a connection failure as <see cref="UpstreamUnavailableException"/>.
/// </remarks>
internal sealed partial class UpstreamSender
{
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(3);
    private static readonly ResiliencePropertyKey<RequestWait> WaitKey = new("OpsBot.UpstreamWait");

    private readonly IHttpClientFactory _clients;
    private readonly ProxyOptions _options;
    private readonly ProxyMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<UpstreamSender> _logger;
    private readonly ResiliencePipeline<HttpResponseMessage> _restartWait;
    private int _waiting;

    public UpstreamSender(IHttpClientFactory clients, IOptions<ProxyOptions> options, ProxyMetrics metrics, TimeProvider time, ILogger<UpstreamSender> logger)
    {
        _clients = clients;
        _options = options.Value;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _restartWait = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = int.MaxValue,
                ShouldHandle = args => ValueTask.FromResult(ShouldWait(args.Outcome, args.AttemptNumber, args.Context.Properties.GetValue(WaitKey, null!))),
                DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(Backoff(args.AttemptNumber)),
                OnRetry = args => OnWaitingAsync(args.Outcome, args.Context.Properties.GetValue(WaitKey, null!)),
            })
            .Build();
    }

    /// <summary>Requests currently waiting for vLLM to come back.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    /// <param name="createRequest">Builds a fresh request per attempt (a sent HttpRequestMessage cannot be reused).</param>
    /// <param name="canRetry">False once anything reached the client: such a request is never sent again.</param>
    /// <exception cref="UpstreamUnavailableException">vLLM stayed down for the whole wait, or the wait queue is full.</exception>
    public async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> createRequest, bool canRetry, CancellationToken cancellationToken)
    {
        var wait = new RequestWait(_time.GetTimestamp(), canRetry);
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(WaitKey, wait);
        try
        {
            var client = _clients.CreateClient(UpstreamHttp.ClientName);
            return await _restartWait.ExecuteAsync(
                static (context, state) => state.Sender.AttemptAsync(state.Client, state.CreateRequest, context.CancellationToken),
                context,
                (Sender: this, Client: client, CreateRequest: createRequest));
        }
        catch (HttpRequestException ex) when (IsDown(ex))
        {
            throw new UpstreamUnavailableException(_time.GetElapsedTime(wait.Started), ex, retried: wait.Queued);
        }
        finally
        {
            if (wait.Queued)
            {
                Interlocked.Decrement(ref _waiting);
            }

            ResilienceContextPool.Shared.Return(context);
        }
    }

    private async ValueTask<HttpResponseMessage> AttemptAsync(HttpClient client, Func<HttpRequestMessage> createRequest, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        using (var request = createRequest())
        {
            try
            {
                response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            }
            catch (HttpRequestException ex) when (IsDown(ex))
            {
                _metrics.SetUpstreamUp(false);
                throw;
            }
        }

        _metrics.SetUpstreamUp(response.StatusCode != HttpStatusCode.ServiceUnavailable);
        return response;
    }

    /// <summary>Another attempt only for vLLM away (down or loading), only if allowed, and only if the backoff ends within the wait.</summary>
    private bool ShouldWait(Outcome<HttpResponseMessage> outcome, int attempt, RequestWait wait)
    {
        var away = outcome.Exception is HttpRequestException ex ? IsDown(ex) : outcome.Result?.StatusCode == HttpStatusCode.ServiceUnavailable;
        return away && wait.CanRetry && _time.GetElapsedTime(wait.Started) + Backoff(attempt) <= _options.UpstreamWait;
    }

    /// <summary>Before each backoff: the first one joins the bounded wait queue.</summary>
    private ValueTask OnWaitingAsync(Outcome<HttpResponseMessage> outcome, RequestWait wait)
    {
        if (!wait.Queued)
        {
            if (Interlocked.Increment(ref _waiting) > _options.MaxWaitingRequests)
            {
                Interlocked.Decrement(ref _waiting);
                outcome.Result?.Dispose();
                throw new UpstreamUnavailableException(
                    _time.GetElapsedTime(wait.Started), outcome.Exception ?? new HttpRequestException("vLLM answered 503"), queueFull: true);
            }

            wait.Queued = true;
            LogWaiting(_logger, _options.UpstreamWait.TotalSeconds);
        }

        _metrics.RecordUpstreamRetry();
        return ValueTask.CompletedTask;
    }

    /// <summary>200 ms before the first retry, doubling up to 3 s.</summary>
    private static TimeSpan Backoff(int attempt) =>
        attempt >= 4 ? MaxBackoff : TimeSpan.FromTicks(Math.Min(FirstBackoff.Ticks << attempt, MaxBackoff.Ticks));

    /// <summary>Connection-level failures that mean vLLM is not there (yet), as opposed to a broken request.</summary>
    private static bool IsDown(HttpRequestException exception) =>
        exception.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError
        || exception.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused or SocketError.ConnectionReset or SocketError.HostUnreachable };

    [LoggerMessage(EventId = ProxyEventIds.UpstreamSenderWaiting, Level = LogLevel.Warning, Message = "vLLM is down or restarting; holding the request for up to {Seconds} s")]
    private static partial void LogWaiting(ILogger logger, double seconds);

    /// <summary>One request's place in the wait: when it started, whether it may be sent again, whether it is queued.</summary>
    private sealed class RequestWait(long started, bool canRetry)
    {
        public long Started { get; } = started;

        public bool CanRetry { get; } = canRetry;

        public bool Queued { get; set; }
    }
}
