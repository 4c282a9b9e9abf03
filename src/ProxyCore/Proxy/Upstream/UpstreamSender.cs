using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpsBot.ProxyCore.Metrics;
using OpsBot.ProxyCore.Proxy.Backends;
using Polly;
using Polly.Retry;

namespace OpsBot.ProxyCore.Proxy.Upstream;

/// <summary>
/// Sends a request to vLLM, riding out lost backends and restarts. Each attempt goes to the backend
/// <see cref="VllmBackends.Select"/> names; a request that has sent nothing to its client yet moves to another backend
/// when its backend refuses, answers 5xx or breaks off before answering. Only when no backend is left does it wait:
/// while vLLM refuses connections or answers 503 (the model takes 60–90 s to load) it retries with backoff for up to
/// <see cref="ProxyOptions.UpstreamWait"/>, in a bounded queue.
/// </summary>
/// <remarks>
/// Both are one Polly retry pipeline: (1) an attempt sends a fresh request to the chosen backend; (2) a failed attempt
/// with an untried backend left and a body that can be sent again fails over at once (with one URL there never is
/// one); (3) otherwise a connection-level failure or a 503 waits for a restart, only when the caller allows it (nothing
/// reached the client yet) and the next backoff (200 ms doubling to 3 s) still ends within
/// <see cref="ProxyOptions.UpstreamWait"/>, and every backend may be tried again; (4) the first wait joins the wait
/// queue, or is refused when <see cref="ProxyOptions.MaxWaitingRequests"/> already wait; (5) what is not retried is the
/// answer: a backend's own 5xx as it is, a connection failure as <see cref="UpstreamUnavailableException"/>.
/// </remarks>
internal sealed partial class UpstreamSender
{
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(3);
    private static readonly ResiliencePropertyKey<RequestAttempts> AttemptsKey = new("OpsBot.UpstreamAttempts");

    private readonly IHttpClientFactory _clients;
    private readonly VllmBackends _backends;
    private readonly ProxyOptions _options;
    private readonly ProxyMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<UpstreamSender> _logger;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;
    private int _waiting;

    public UpstreamSender(IHttpClientFactory clients, VllmBackends backends, IOptions<ProxyOptions> options, ProxyMetrics metrics, TimeProvider time, ILogger<UpstreamSender> logger)
    {
        _clients = clients;
        _backends = backends;
        _options = options.Value;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _pipeline = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = int.MaxValue,
                ShouldHandle = args => ValueTask.FromResult(Decide(args.Outcome, args.Context.Properties.GetValue(AttemptsKey, null!))),
                DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(args.Context.Properties.GetValue(AttemptsKey, null!).NextDelay),
                OnRetry = args => OnRetryAsync(args.Outcome, args.Context.Properties.GetValue(AttemptsKey, null!)),
            })
            .Build();
    }

    /// <summary>How errors name vLLM: its URL (masked), or every URL with several backends.</summary>
    public string UpstreamName => _backends.DisplayName;

    /// <summary>Requests currently waiting for vLLM to come back.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    /// <summary>Sends the client's request (method, path, query, end-to-end headers) with <paramref name="content"/> to a backend.</summary>
    /// <param name="content">Builds a fresh body per attempt (a sent HttpContent cannot be reused).</param>
    /// <param name="conversation">The chat request whose messages choose the backend (<see cref="ConversationAffinity"/>), or null.</param>
    /// <param name="canRetry">Nothing has reached the client: the request may wait for vLLM to come back.</param>
    /// <param name="canResend">The body can be built again: the request may move to another backend.</param>
    /// <returns>The answer; the backend that gave it is set as the request's <see cref="UpstreamBackendFeature"/>.</returns>
    /// <exception cref="UpstreamUnavailableException">vLLM stayed down for the whole wait, or the wait queue is full.</exception>
    public async Task<HttpResponseMessage> SendAsync(
        HttpRequest request, Func<HttpContent?> content, JsonElement? conversation, bool canRetry, CancellationToken cancellationToken, bool canResend = true)
    {
        // With one backend there is nothing to choose: no hashing on the hot path.
        var affinity = _backends.IsMultiple && conversation is { } chat ? ConversationAffinity.KeyOf(chat) : null;
        var attempts = new RequestAttempts(request, content, affinity, _time.GetTimestamp(), canRetry, canResend) { MultipleBackends = _backends.IsMultiple };
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(AttemptsKey, attempts);
        try
        {
            var client = _clients.CreateClient(UpstreamHttp.ClientName);
            var response = await _pipeline.ExecuteAsync(
                static (context, state) => state.Sender.AttemptAsync(state.Client, state.Attempts, context.CancellationToken),
                context,
                (Sender: this, Client: client, Attempts: attempts));
            attempts.Keep(null, null);
            return attempts.Answered(response, attempts.Last!);
        }
        catch (HttpRequestException) when (attempts.TakeKept() is { } kept)
        {
            // A backend's own 5xx says more than the connection failure of the last one tried.
            return kept;
        }
        catch (HttpRequestException ex) when (IsDown(ex))
        {
            throw new UpstreamUnavailableException(_time.GetElapsedTime(attempts.Started), ex, retried: attempts.Queued);
        }
        finally
        {
            if (attempts.Queued)
            {
                Interlocked.Decrement(ref _waiting);
            }

            attempts.Keep(null, null);
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private async ValueTask<HttpResponseMessage> AttemptAsync(HttpClient client, RequestAttempts attempts, CancellationToken cancellationToken)
    {
        var backend = attempts.Next(_backends);
        HttpResponseMessage response;
        backend.Started();
        try
        {
            using var message = UpstreamRequestFactory.Create(backend, attempts.Request, attempts.Content());
            response = await client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (HttpRequestException ex) when (IsDown(ex) || (_backends.IsMultiple && BrokeOff(ex)))
        {
            _backends.ReportFailure(backend, ex.Message);
            _metrics.SetUpstreamUp(false);
            throw;
        }
        finally
        {
            backend.Finished();
        }

        var status = (int)response.StatusCode;
        var away = response.StatusCode == HttpStatusCode.ServiceUnavailable;
        _metrics.SetUpstreamUp(!away);
        if (!away && (status < 500 || !_backends.IsMultiple))
        {
            backend.Answered();
            return response;
        }

        _backends.ReportFailure(backend, $"answered {status}");
        if (attempts.CanResend && _backends.Select(attempts.Affinity, attempts.Tried) is not null)
        {
            // Kept out of Polly's hands (it disposes a result it retries): if every other backend fails to connect,
            // this answer is what the client gets.
            attempts.Keep(response, backend);
            throw new BackendFailedException(status, away);
        }

        return response;
    }

    /// <summary>Whether another attempt follows, and after what delay: at once on another backend, or after a backoff when every backend is away.</summary>
    private bool Decide(Outcome<HttpResponseMessage> outcome, RequestAttempts attempts)
    {
        bool away;
        switch (outcome.Exception)
        {
            case BackendFailedException answered:
                // Another backend is left: AttemptAsync checked.
                attempts.AllAway &= answered.Away;
                attempts.NextDelay = TimeSpan.Zero;
                attempts.Holding = false;
                return true;
            case HttpRequestException ex:
                away = IsDown(ex);
                if (!away && !(_backends.IsMultiple && BrokeOff(ex)))
                {
                    return false;
                }

                // A request a backend died on is not held for a restart: it might be the request that killed it.
                attempts.BrokeOff |= !away;
                if (attempts.CanResend && _backends.Select(attempts.Affinity, attempts.Tried) is not null)
                {
                    attempts.NextDelay = TimeSpan.Zero;
                    attempts.Holding = false;
                    return true;
                }

                break;
            case null:
                away = outcome.Result?.StatusCode == HttpStatusCode.ServiceUnavailable;
                break;
            default:
                return false;
        }

        // Every backend failed this round: hold for a restart only if none of them is up.
        if (!away || !attempts.AllAway || attempts.BrokeOff || !attempts.CanRetry)
        {
            return false;
        }

        var backoff = Backoff(attempts.Holds);
        if (_time.GetElapsedTime(attempts.Started) + backoff > _options.UpstreamWait)
        {
            return false;
        }

        attempts.NextDelay = backoff;
        attempts.Holding = true;
        return true;
    }

    /// <summary>Before the next attempt: a failover is logged and counted; the first hold joins the bounded wait queue.</summary>
    private ValueTask OnRetryAsync(Outcome<HttpResponseMessage> outcome, RequestAttempts attempts)
    {
        var failed = attempts.Last!;
        if (!attempts.Holding)
        {
            LogBackendFailed(_logger, failed.Name, outcome.Exception!.Message);
            _metrics.RecordBackendFailover(failed.Name);
            return ValueTask.CompletedTask;
        }

        attempts.Keep(null, null);
        if (!attempts.Queued)
        {
            if (Interlocked.Increment(ref _waiting) > _options.MaxWaitingRequests)
            {
                Interlocked.Decrement(ref _waiting);
                outcome.Result?.Dispose();
                throw new UpstreamUnavailableException(
                    _time.GetElapsedTime(attempts.Started), outcome.Exception ?? new HttpRequestException("vLLM answered 503"), queueFull: true);
            }

            attempts.Queued = true;
            LogWaiting(_logger, _options.UpstreamWait.TotalSeconds);
        }

        attempts.NewRound();
        _metrics.RecordUpstreamRetry();
        return ValueTask.CompletedTask;
    }

    /// <summary>200 ms before the first retry, doubling up to 3 s.</summary>
    private static TimeSpan Backoff(int hold) =>
        hold >= 4 ? MaxBackoff : TimeSpan.FromTicks(Math.Min(FirstBackoff.Ticks << hold, MaxBackoff.Ticks));

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

    [LoggerMessage(EventId = ProxyEventIds.UpstreamSenderWaiting, Level = LogLevel.Warning, Message = "vLLM is down or restarting; holding the request for up to {Seconds} s")]
    private static partial void LogWaiting(ILogger logger, double seconds);

    [LoggerMessage(EventId = ProxyEventIds.UpstreamSenderBackendFailed, Level = LogLevel.Warning, Message = "vLLM backend {Backend} failed ({Reason}); the request moves to another backend if one is left")]
    private static partial void LogBackendFailed(ILogger logger, string backend, string reason);

    /// <summary>A backend answered 5xx (503: <paramref name="away"/>) and another is left to ask: drives the failover.</summary>
    private sealed class BackendFailedException(int status, bool away) : HttpRequestException($"answered {status}")
    {
        public bool Away { get; } = away;
    }

    /// <summary>
    /// One request's attempts: the backends tried this round, a 5xx answer kept in case every other backend fails to
    /// connect, when it started, whether it may wait or be sent again, whether it is queued.
    /// </summary>
    private sealed class RequestAttempts(HttpRequest request, Func<HttpContent?> content, ulong? affinity, long started, bool canRetry, bool canResend)
    {
        private readonly List<VllmBackend> _tried = new(2);
        private HttpResponseMessage? _kept;
        private VllmBackend? _keptFrom;

        public HttpRequest Request { get; } = request;

        public Func<HttpContent?> Content { get; } = content;

        public ulong? Affinity { get; } = affinity;

        /// <summary>With one URL there is no backend to name or count: the answer is returned as the single-upstream proxy did.</summary>
        public bool MultipleBackends { get; init; }

        public long Started { get; } = started;

        public bool CanRetry { get; } = canRetry;

        public bool CanResend { get; } = canResend;

        public IReadOnlyCollection<VllmBackend> Tried => _tried;

        public VllmBackend? Last => _tried.Count == 0 ? null : _tried[^1];

        public bool Queued { get; set; }

        public int Holds { get; private set; }

        public bool AllAway { get; set; } = true;

        public bool BrokeOff { get; set; }

        public bool Holding { get; set; }

        public TimeSpan NextDelay { get; set; }

        /// <summary>The backend for this attempt: the first of a round always exists, a failover only follows when one is left.</summary>
        public VllmBackend Next(VllmBackends backends)
        {
            var backend = backends.Select(Affinity, _tried) ?? throw new InvalidOperationException("No vLLM backend left to try.");
            _tried.Add(backend);
            return backend;
        }

        public void NewRound()
        {
            _tried.Clear();
            Holds++;
            AllAway = true;
        }

        public void Keep(HttpResponseMessage? response, VllmBackend? from)
        {
            _kept?.Dispose();
            _kept = response;
            _keptFrom = from;
        }

        /// <summary>The kept 5xx answer, handed to the client: it names its backend.</summary>
        public HttpResponseMessage? TakeKept()
        {
            if (_kept is not { } kept)
            {
                return null;
            }

            _kept = null;
            return Answered(kept, _keptFrom!);
        }

        /// <summary>The answer goes to the client: it names its backend, which counts it outstanding until the exchange ends.</summary>
        public HttpResponseMessage Answered(HttpResponseMessage response, VllmBackend backend)
        {
            if (!MultipleBackends)
            {
                return response;
            }

            Request.HttpContext.Features.Set(new UpstreamBackendFeature(backend));
            // The answer is read for as long as it is relayed: the backend counts it until the client's exchange ends.
            backend.Started();
            Request.HttpContext.Response.RegisterForDispose(new Outstanding(backend));
            return response;
        }
    }

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
}
