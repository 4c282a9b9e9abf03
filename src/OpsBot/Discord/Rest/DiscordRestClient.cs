using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;

namespace OpsBot.Discord.Rest;

/// <summary>
/// Discord REST over IHttpClientFactory. Logs name route templates only: real paths may contain interaction tokens,
/// and the bot token lives only in the Authorization header (the factory's own request loggers are removed).
/// </summary>
public sealed partial class DiscordRestClient : IDiscordRestClient
{
    public const string HttpClientName = "Discord";

    private static readonly TimeSpan ServerErrorBackoff = TimeSpan.FromMilliseconds(500);
    private static readonly ResiliencePropertyKey<RestCall> CallKey = new("OpsBot.DiscordRestCall");

    private readonly IHttpClientFactory _httpClientFactory;
    private readonly DiscordRateLimiter _rateLimiter;
    private readonly ILogger<DiscordRestClient> _logger;
    private readonly DiscordConnectivity? _connectivity;
    private readonly string _baseUrl;
    private readonly AuthenticationHeaderValue _authorization;
    private readonly string _userAgent;
    private readonly int _maxRetries;
    private readonly ResiliencePipeline<RestAnswer> _retry;
    private volatile bool _unauthorized;

    /// <param name="connectivity">Told of every answer from Discord and of every call that could not reach it after its retries.</param>
    public DiscordRestClient(IHttpClientFactory httpClientFactory, DiscordRateLimiter rateLimiter, IOptions<DiscordOptions> options, TimeProvider time, ILogger<DiscordRestClient> logger, DiscordConnectivity? connectivity = null)
    {
        _httpClientFactory = httpClientFactory;
        _rateLimiter = rateLimiter;
        _logger = logger;
        _connectivity = connectivity;
        var value = options.Value;
        _baseUrl = value.RestBaseUrl.TrimEnd('/');
        _authorization = new AuthenticationHeaderValue("Bot", value.Token ?? throw new InvalidOperationException("Discord:Token is not configured."));
        _userAgent = $"DiscordBot ({value.UserAgentUrl}, {Version}) OpsBot";
        _maxRetries = value.RestMaxRetries;
        _retry = new ResiliencePipelineBuilder<RestAnswer> { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions<RestAnswer>
            {
                // Polly wants at least one retry; ShouldHandle also honours Discord:RestMaxRetries = 0.
                MaxRetryAttempts = Math.Max(1, _maxRetries),
                ShouldHandle = args => ValueTask.FromResult(args.AttemptNumber < _maxRetries && args.Outcome switch
                {
                    { Exception: { } ex } => IsTransportFailure(ex, args.Context.CancellationToken),
                    { Result: { } answer } => answer.Retryable,
                    _ => false,
                }),
                // 5xx and transport failures: 500 ms, 1 s, 1.5 s… A 429 goes again at once: the limiter waits out its Retry-After.
                BackoffType = DelayBackoffType.Linear,
                Delay = ServerErrorBackoff,
                DelayGenerator = static args => ValueTask.FromResult<TimeSpan?>(
                    args.Outcome.Result?.Status == HttpStatusCode.TooManyRequests ? TimeSpan.Zero : null),
                OnRetry = LogRetryAsync,
            })
            .Build();
    }

    public static string Version { get; } =
        typeof(DiscordRestClient).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "1.0.0";

    public async Task<GatewayBotInfo> GetGatewayBotAsync(CancellationToken cancellationToken)
    {
        using var document = await SendAsync(DiscordRoute.GatewayBot(), null, cancellationToken)
            ?? throw new InvalidDataException("GET /gateway/bot returned no body.");
        var root = document.RootElement;
        var url = new Uri(root.GetProperty("url").GetString() ?? throw new InvalidDataException("GET /gateway/bot returned no url."));
        var shards = root.TryGetProperty("shards", out var s) && s.TryGetInt32(out var count) ? count : 1;
        var limit = root.TryGetProperty("session_start_limit", out var l) && l.ValueKind == JsonValueKind.Object
            ? new SessionStartLimit(
                GetInt(l, "total", 1000),
                GetInt(l, "remaining", 1000),
                TimeSpan.FromMilliseconds(GetInt(l, "reset_after", 0)),
                Math.Max(1, GetInt(l, "max_concurrency", 1)))
            : new SessionStartLimit(1000, 1000, TimeSpan.Zero, 1);
        return new GatewayBotInfo(url, shards, limit);
    }

    public async Task BulkOverwriteGuildCommandsAsync(ulong applicationId, ulong guildId, string commandsJson, CancellationToken cancellationToken)
    {
        var body = Encoding.UTF8.GetBytes(commandsJson);
        using var _ = await SendAsync(DiscordRoute.BulkOverwriteGuildCommands(applicationId, guildId), () => JsonBody(body), cancellationToken);
    }

    public async Task CreateInteractionResponseAsync(ulong interactionId, string interactionToken, InteractionResponse response, CancellationToken cancellationToken)
    {
        var json = Serialize(writer => DiscordPayloadWriter.WriteInteractionResponse(writer, response));
        var attachments = response.Message?.Attachments ?? [];
        using var _ = await SendAsync(DiscordRoute.InteractionCallback(interactionId, interactionToken), () => Body(json, attachments), cancellationToken);
    }

    public async Task EditOriginalResponseAsync(ulong applicationId, string interactionToken, DiscordMessage message, CancellationToken cancellationToken)
    {
        var json = Serialize(writer => DiscordPayloadWriter.WriteMessage(writer, message, ephemeral: false, replace: true));
        using var _ = await SendAsync(DiscordRoute.EditOriginalResponse(applicationId, interactionToken), () => Body(json, message.Attachments), cancellationToken);
    }

    public async Task<ulong> CreateFollowupMessageAsync(ulong applicationId, string interactionToken, DiscordMessage message, bool ephemeral, CancellationToken cancellationToken)
    {
        var json = Serialize(writer => DiscordPayloadWriter.WriteMessage(writer, message, ephemeral, replace: false));
        using var document = await SendAsync(DiscordRoute.CreateFollowup(applicationId, interactionToken), () => Body(json, message.Attachments), cancellationToken);
        return MessageId(document);
    }

    public async Task<ulong> CreateMessageAsync(ulong channelId, DiscordMessage message, CancellationToken cancellationToken)
    {
        var nonce = Convert.ToHexString(RandomNumberGenerator.GetBytes(8)).ToLowerInvariant();
        var json = Serialize(writer => DiscordPayloadWriter.WriteMessage(writer, message, ephemeral: false, replace: false, nonce));
        using var document = await SendAsync(DiscordRoute.CreateMessage(channelId), () => Body(json, message.Attachments), cancellationToken);
        return MessageId(document);
    }

    private async Task<JsonDocument?> SendAsync(DiscordRoute route, Func<HttpContent>? content, CancellationToken cancellationToken)
    {
        if (_unauthorized)
        {
            throw new DiscordApiException(HttpStatusCode.Unauthorized, 0, route.RouteKey, "bot token was rejected earlier; not calling Discord again", null);
        }

        var call = new RestCall(route, new Uri(_baseUrl + route.Path, UriKind.Absolute), content, _httpClientFactory.CreateClient(HttpClientName));
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(CallKey, call);
        RestAnswer answer;
        try
        {
            answer = await _retry.ExecuteAsync(
                static (context, state) => state.Client.AttemptAsync(state.Call, context.CancellationToken), context, (Client: this, Call: call));
        }
        finally
        {
            call.Lease?.Dispose();
            ResilienceContextPool.Shared.Return(context);
        }

        if (answer.Retryable && answer.Attempt < _maxRetries)
        {
            // Polly hands back an answer it would have retried when the call was cancelled meanwhile: cancelled it is.
            cancellationToken.ThrowIfCancellationRequested();
        }

        if ((int)answer.Status is < 200 or > 299)
        {
            if (answer.Status == HttpStatusCode.Unauthorized)
            {
                _unauthorized = true;
                Log.Unauthorized(_logger, route.RouteKey);
            }

            throw Failure(route, answer.Status, answer.Body);
        }

        return answer.Body.Length == 0 ? null : JsonDocument.Parse(answer.Body);
    }

    /// <summary>
    /// One try: wait for the route's bucket (which also waits out a 429's Retry-After), send, read the answer and teach
    /// the limiter its headers. The bucket stays held through the backoff that may follow, as one caller's turn.
    /// </summary>
    private async ValueTask<RestAnswer> AttemptAsync(RestCall call, CancellationToken cancellationToken)
    {
        call.Lease?.Dispose();
        call.Lease = await _rateLimiter.AcquireAsync(call.Route, cancellationToken);
        var attempt = call.Attempts++;
        using var request = new HttpRequestMessage(call.Route.Method, call.Uri) { Content = call.Content?.Invoke() };
        request.Headers.Authorization = _authorization;
        request.Headers.TryAddWithoutValidation("User-Agent", _userAgent);

        HttpResponseMessage response;
        try
        {
            response = await call.Http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        }
        catch (Exception ex) when (IsTransportFailure(ex, cancellationToken) && attempt >= _maxRetries)
        {
            _connectivity?.AttemptFailed($"REST {call.Route.RouteKey}", $"{ex.GetType().Name}: {ex.Message}");
            throw;
        }

        using (response)
        {
            if ((int)response.StatusCode < 500)
            {
                _connectivity?.RestAnswered();
            }
            else if (attempt >= _maxRetries)
            {
                // Cloudflare's 502/503 while Discord is down: an outage like a refused connection.
                _connectivity?.AttemptFailed($"REST {call.Route.RouteKey}", $"HTTP {(int)response.StatusCode}");
            }

            var headers = RateLimitHeaders.Parse(response.Headers);
            _rateLimiter.Update(call.Route, call.Lease, headers);
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            if (response.StatusCode != HttpStatusCode.TooManyRequests)
            {
                return new RestAnswer(response.StatusCode, body, attempt);
            }

            var (retryAfter, global) = ParseRateLimit(body, headers);
            _rateLimiter.OnRateLimited(call.Route, call.Lease, retryAfter, global);
            return new RestAnswer(response.StatusCode, body, attempt) { RetryAfter = retryAfter, Global = global, Scope = headers.Scope };
        }
    }

    /// <summary>Before the next try, after a 429 (the limiter waits) or, after a 5xx or a transport failure, the linear backoff.</summary>
    private ValueTask LogRetryAsync(OnRetryArguments<RestAnswer> args)
    {
        var route = args.Context.Properties.GetValue(CallKey, null!).Route.RouteKey;
        switch (args.Outcome)
        {
            case { Exception: { } ex }:
                Log.TransportError(_logger, route, ex.GetType().Name, args.AttemptNumber + 1);
                break;
            case { Result: { Status: HttpStatusCode.TooManyRequests } limited }:
                Log.RateLimited(_logger, route, limited.RetryAfter.TotalSeconds, limited.Global, limited.Scope ?? "unknown");
                break;
            case { Result: { } failed }:
                Log.ServerError(_logger, route, (int)failed.Status, args.AttemptNumber + 1);
                break;
        }

        return ValueTask.CompletedTask;
    }

    private static bool IsTransportFailure(Exception exception, CancellationToken cancellationToken) =>
        exception is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested;

    private DiscordApiException Failure(DiscordRoute route, HttpStatusCode status, byte[] body)
    {
        var code = 0;
        var message = status.ToString();
        string? text = null;
        if (body.Length > 0)
        {
            text = Encoding.UTF8.GetString(body);
            try
            {
                using var document = JsonDocument.Parse(body);
                if (document.RootElement.ValueKind == JsonValueKind.Object)
                {
                    code = GetInt(document.RootElement, "code", 0);
                    if (document.RootElement.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String)
                    {
                        message = m.GetString() ?? message;
                    }
                }
            }
            catch (JsonException)
            {
                // Cloudflare error pages are HTML; keep the status as the message.
            }
        }

        if ((int)status >= 500 || code == DiscordApiException.UnknownWebhook)
        {
            // 10015: the interaction token is gone; InteractionResponder says so once and stops using it.
            // Discord itself is failing: DiscordConnectivity summarises the outage instead of a line per call.
            Log.ServerFailed(_logger, route.RouteKey, (int)status, message);
        }
        else
        {
            Log.RequestFailed(_logger, route.RouteKey, (int)status, code, message, text is null ? string.Empty : DiscordLimits.Truncate(text, 2000));
        }

        return new DiscordApiException(status, code, route.RouteKey, message, text);
    }

    private static (TimeSpan RetryAfter, bool Global) ParseRateLimit(byte[] body, RateLimitHeaders headers)
    {
        TimeSpan? retryAfter = null;
        var global = headers.Global || string.Equals(headers.Scope, "global", StringComparison.OrdinalIgnoreCase);
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.TryGetProperty("retry_after", out var r) && r.TryGetDouble(out var seconds) && seconds >= 0)
            {
                retryAfter = TimeSpan.FromSeconds(seconds);
            }

            if (root.TryGetProperty("global", out var g) && g.ValueKind == JsonValueKind.True)
            {
                global = true;
            }
        }
        catch (JsonException)
        {
        }

        // Guard against a missing or absurd value: never spin, never sleep for an hour.
        var wait = retryAfter ?? headers.RetryAfter ?? headers.ResetAfter ?? TimeSpan.FromSeconds(1);
        return (TimeSpan.FromTicks(Math.Clamp(wait.Ticks, TimeSpan.FromMilliseconds(50).Ticks, TimeSpan.FromMinutes(5).Ticks)), global);
    }

    private static HttpContent Body(byte[] json, IReadOnlyList<DiscordAttachment> attachments)
    {
        if (attachments.Count == 0)
        {
            return JsonBody(json);
        }

        var multipart = new MultipartFormDataContent("opsbot-" + Guid.NewGuid().ToString("N"));
        var payload = JsonBody(json);
        payload.Headers.ContentDisposition = new ContentDispositionHeaderValue("form-data") { Name = "\"payload_json\"" };
        multipart.Add(payload);
        for (var i = 0; i < attachments.Count; i++)
        {
            var file = new ReadOnlyMemoryContent(attachments[i].Content);
            file.Headers.ContentType = new MediaTypeHeaderValue(attachments[i].ContentType);
            file.Headers.ContentDisposition = new ContentDispositionHeaderValue("form-data")
            {
                Name = $"\"files[{i.ToString(CultureInfo.InvariantCulture)}]\"",
                FileName = $"\"{attachments[i].FileName.Replace("\"", string.Empty, StringComparison.Ordinal)}\"",
            };
            multipart.Add(file);
        }

        return multipart;
    }

    private static ByteArrayContent JsonBody(byte[] json)
    {
        var content = new ByteArrayContent(json);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        return content;
    }

    private static byte[] Serialize(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer, DiscordPayloadWriter.WriterOptions))
        {
            write(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static ulong MessageId(JsonDocument? document) =>
        document is not null && document.RootElement.ValueKind == JsonValueKind.Object
        && document.RootElement.TryGetProperty("id", out var id) && ulong.TryParse(id.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : 0;

    private static int GetInt(JsonElement element, string name, int fallback) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var result) ? result : fallback;

    /// <summary>One call's tries: what to send, where, and the bucket lease of the latest try.</summary>
    private sealed class RestCall(DiscordRoute route, Uri uri, Func<HttpContent>? content, HttpClient http)
    {
        public DiscordRoute Route { get; } = route;

        public Uri Uri { get; } = uri;

        public Func<HttpContent>? Content { get; } = content;

        public HttpClient Http { get; } = http;

        public RateLimitLease? Lease { get; set; }

        public int Attempts { get; set; }
    }

    /// <summary>Discord's answer to one try, read in full; a 429 carries its wait.</summary>
    private sealed record RestAnswer(HttpStatusCode Status, byte[] Body, int Attempt)
    {
        public TimeSpan RetryAfter { get; init; }

        public bool Global { get; init; }

        public string? Scope { get; init; }

        /// <summary>A 429 or a 5xx: worth another try while tries are left.</summary>
        public bool Retryable => Status == HttpStatusCode.TooManyRequests || (int)Status >= 500;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = OpsBotEventIds.DiscordRestClientRateLimited, Level = LogLevel.Warning,
            Message = "Discord rate limit on {Route}: waiting {RetryAfterSeconds:0.###} s (global: {Global}, scope: {Scope}).")]
        public static partial void RateLimited(ILogger logger, string route, double retryAfterSeconds, bool global, string scope);

        [LoggerMessage(EventId = OpsBotEventIds.DiscordRestClientServerError, Level = LogLevel.Debug, Message = "Discord {Route} answered HTTP {Status}; retry {Attempt}.")]
        public static partial void ServerError(ILogger logger, string route, int status, int attempt);

        [LoggerMessage(EventId = OpsBotEventIds.DiscordRestClientTransportError, Level = LogLevel.Debug, Message = "Discord {Route} failed with {Error}; retry {Attempt}.")]
        public static partial void TransportError(ILogger logger, string route, string error, int attempt);

        [LoggerMessage(EventId = OpsBotEventIds.DiscordRestClientUnauthorized, Level = LogLevel.Critical,
            Message = "Discord rejected the bot token (HTTP 401) on {Route}; no further REST calls until OpsBot restarts with a valid Discord:Token.")]
        public static partial void Unauthorized(ILogger logger, string route);

        [LoggerMessage(EventId = OpsBotEventIds.DiscordRestClientServerFailed, Level = LogLevel.Debug, Message = "Discord {Route} failed: HTTP {Status}: {DiscordMessage}")]
        public static partial void ServerFailed(ILogger logger, string route, int status, string discordMessage);

        [LoggerMessage(EventId = OpsBotEventIds.DiscordRestClientRequestFailed, Level = LogLevel.Warning,
            Message = "Discord {Route} failed: HTTP {Status}, code {Code}: {DiscordMessage} {ErrorBody}")]
        public static partial void RequestFailed(ILogger logger, string route, int status, int code, string discordMessage, string errorBody);
    }
}
