using System.Net;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpsBot.Discord.Rest;
using Polly;
using Polly.Retry;

namespace OpsBot.Discord.Gateway;

/// <summary>
/// Keeps one gateway session alive: resume where Discord allows it, identify within Discord's identify budget when not,
/// and stop for good on close codes that no reconnect can fix (bad token, bad intents, sharding).
/// </summary>
public sealed partial class DiscordGatewayClient(
    IDiscordRestClient rest,
    IDiscordEventHandler handler,
    IOptions<DiscordOptions> options,
    DiscordConnectivity connectivity,
    TimeProvider time,
    ILogger<DiscordGatewayClient> logger) : BackgroundService
{
    private readonly DiscordOptions _options = options.Value;
    private readonly GatewaySession _session = new();
    private GatewayBotInfo? _gateway;
    private int _identifiesLeft;
    private DateTimeOffset _identifyBudgetResetsAt;
    private DateTimeOffset? _lastIdentifyAt;
    private volatile GatewayState _state = GatewayState.Disconnected;

    // Reconnects until a connection returns null (stop, fatal close): each one after the delay it returned.
    private readonly ResiliencePipeline<TimeSpan?> _reconnect = new ResiliencePipelineBuilder<TimeSpan?> { TimeProvider = time }
        .AddRetry(new RetryStrategyOptions<TimeSpan?>
        {
            MaxRetryAttempts = int.MaxValue,
            ShouldHandle = static args => ValueTask.FromResult(args.Outcome is { Exception: null, Result: not null }),
            DelayGenerator = static args => ValueTask.FromResult(args.Outcome.Result),
        })
        .Build();

    public GatewayState State => _state;

    /// <summary>Why the gateway stopped, when <see cref="State"/> is <see cref="GatewayState.Failed"/>.</summary>
    public string? FailureReason { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await _reconnect.ExecuteAsync(
                static (state, token) => state.Client.ConnectOnceAsync(state.Attempts, token),
                (Client: this, Attempts: new ReconnectAttempts()),
                stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            if (_state != GatewayState.Failed)
            {
                _state = GatewayState.Stopped;
            }
        }
    }

    /// <summary>
    /// One connection: fetch the gateway URL if needed, resume or identify (within the budget), run the session until it
    /// ends. Returns the delay before the next attempt, or null when the gateway stops for good.
    /// </summary>
    private async ValueTask<TimeSpan?> ConnectOnceAsync(ReconnectAttempts attempts, CancellationToken stoppingToken)
    {
        stoppingToken.ThrowIfCancellationRequested();
        _state = GatewayState.Connecting;
        if (_gateway is null && !await FetchGatewayAsync(stoppingToken))
        {
            if (_state == GatewayState.Failed)
            {
                return null;
            }

            attempts.Failures++;
            return attempts.Delay = Backoff(attempts.Failures);
        }

        var resume = _session.CanResume && attempts.ResumeAttempts < _options.MaxResumeAttempts;
        Uri url;
        if (resume)
        {
            attempts.ResumeAttempts++;
            url = _session.ResumeUrl!;
        }
        else
        {
            _session.Reset();
            attempts.ResumeAttempts = 0;
            if (!await WaitForIdentifySlotAsync(stoppingToken))
            {
                // Fetch the renewed budget, after the same delay as the attempt before.
                return attempts.Delay;
            }

            url = _gateway!.Url;
        }

        var connection = new GatewayConnection(_options, _session, handler, time, logger, () =>
        {
            _state = GatewayState.Connected;
            connectivity.GatewayConnected();
        });
        GatewayDisconnect outcome;
        try
        {
            outcome = await connection.RunAsync(url, resume, stoppingToken);
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            // A malformed payload or a bug must cost one reconnect, never the whole host
            // (an exception escaping a BackgroundService stops OpsBot, proxy included).
            Log.ConnectionCrashed(logger, ex);
            // Resume when the session allows it (the loop identifies otherwise).
            outcome = new GatewayDisconnect(ReconnectAction.Resume, $"unexpected {ex.GetType().Name}");
        }
        _state = GatewayState.Disconnected;

        if (outcome.Established)
        {
            attempts.Failures = 0;
            attempts.ResumeAttempts = 0;
            if (outcome.Action != ReconnectAction.Stop)
            {
                connectivity.GatewayDisconnected(outcome.Reason);
            }
        }
        else
        {
            attempts.Failures++;
            if (outcome.Action is ReconnectAction.Resume or ReconnectAction.Identify)
            {
                connectivity.AttemptFailed("gateway", outcome.Reason);
            }

            if (!resume)
            {
                // The cached URL did not work: ask Discord for it again before the next identify.
                _gateway = null;
            }
        }

        switch (outcome.Action)
        {
            case ReconnectAction.Stop:
                return null;

            case ReconnectAction.Fatal:
                Fail($"gateway closed with {outcome.CloseCode} ({GatewayCloseCodes.Describe(outcome.CloseCode)})");
                Log.FatalClose(logger, outcome.CloseCode ?? 0, GatewayCloseCodes.Describe(outcome.CloseCode));
                return null;

            case ReconnectAction.Identify:
                _session.Reset();
                attempts.Delay = outcome.Delay ?? Backoff(attempts.Failures);
                LogReconnecting(outcome, "identify", attempts.Delay);
                return attempts.Delay;

            default:
                // Op 7, zombie and the first attempt after a live connection go immediately.
                attempts.Delay = Backoff(attempts.Failures);
                LogReconnecting(outcome, _session.CanResume ? "resume" : "identify", attempts.Delay);
                return attempts.Delay;
        }
    }

    /// <summary>A live session that ended is news (once); failed attempts are counted by <see cref="DiscordConnectivity"/>, not logged one by one.</summary>
    private void LogReconnecting(GatewayDisconnect outcome, string next, TimeSpan delay)
    {
        if (outcome.Established)
        {
            Log.Reconnecting(logger, outcome.Reason, next, delay.TotalMilliseconds);
        }
        else
        {
            Log.RetryingConnect(logger, outcome.Reason, next, delay.TotalMilliseconds);
        }
    }

    private async Task<bool> FetchGatewayAsync(CancellationToken cancellationToken)
    {
        try
        {
            _gateway = await rest.GetGatewayBotAsync(cancellationToken);
            var limit = _gateway.SessionStartLimit;
            _identifiesLeft = limit.Remaining;
            _identifyBudgetResetsAt = time.GetUtcNow() + limit.ResetAfter;
            Log.GatewayFound(logger, _gateway.Url.Host, limit.Remaining, limit.Total);
            return true;
        }
        catch (DiscordApiException ex) when (ex.Status == HttpStatusCode.Unauthorized)
        {
            Fail("Discord rejected the bot token (HTTP 401 on GET /gateway/bot)");
            Log.FatalClose(logger, GatewayCloseCodes.AuthenticationFailed, "Discord rejected the bot token (HTTP 401 on GET /gateway/bot)");
            return false;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // The REST client counted the failed call (DiscordConnectivity); this is detail.
            Log.GatewayLookupFailed(logger, ex.GetType().Name, ex.Message);
            return false;
        }
    }

    // Identify is expensive on Discord's side: 1000 per day (over that the token is reset) and one per 5 s.
    private async Task<bool> WaitForIdentifySlotAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_identifiesLeft <= 0)
        {
            var wait = _identifyBudgetResetsAt - now;
            if (wait > TimeSpan.Zero)
            {
                Log.IdentifyBudgetExhausted(logger, wait.TotalSeconds);
                await Task.Delay(wait, time, cancellationToken);
            }

            // Fetch the renewed budget before identifying.
            _gateway = null;
            return false;
        }

        if (_lastIdentifyAt is { } last && now - last < _options.IdentifyInterval)
        {
            await Task.Delay(_options.IdentifyInterval - (now - last), time, cancellationToken);
        }

        _identifiesLeft--;
        _lastIdentifyAt = time.GetUtcNow();
        return true;
    }

    private TimeSpan Backoff(int failures)
    {
        if (failures <= 0)
        {
            return TimeSpan.Zero;
        }

        var initial = _options.ReconnectDelayInitial;
        var exponential = initial * Math.Pow(2, Math.Min(failures - 1, 16));
        var capped = exponential > _options.ReconnectDelayMax ? _options.ReconnectDelayMax : exponential;
        var jitter = TimeSpan.FromMilliseconds(Random.Shared.Next(-250, 251) * Math.Min(1.0, initial.TotalSeconds));
        var result = capped + jitter;
        return result < TimeSpan.Zero ? TimeSpan.Zero : result;
    }

    /// <summary>What one reconnect attempt leaves to the next: failures in a row, resumes tried, the last delay.</summary>
    private sealed class ReconnectAttempts
    {
        public int Failures { get; set; }

        public int ResumeAttempts { get; set; }

        public TimeSpan Delay { get; set; }
    }

    private void Fail(string reason)
    {
        FailureReason = reason;
        _state = GatewayState.Failed;
        connectivity.Stopped($"{reason}; fix Discord:* and restart OpsBot");
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = OpsBotEventIds.DiscordGatewayClientGatewayFound, Level = LogLevel.Information,
            Message = "Discord gateway URL is {Host}; {Remaining} of {Total} identifies left today.")]
        public static partial void GatewayFound(ILogger logger, string host, int remaining, int total);

        [LoggerMessage(EventId = OpsBotEventIds.DiscordGatewayClientGatewayLookupFailed, Level = LogLevel.Debug, Message = "Discord gateway lookup failed ({Error}: {Message}); retrying.")]
        public static partial void GatewayLookupFailed(ILogger logger, string error, string message);

        [LoggerMessage(EventId = OpsBotEventIds.DiscordGatewayClientFatalClose, Level = LogLevel.Critical,
            Message = "Discord gateway stopped for good: close code {CloseCode}, {Meaning}. Not reconnecting; fix the configuration and restart OpsBot.")]
        public static partial void FatalClose(ILogger logger, int closeCode, string meaning);

        [LoggerMessage(EventId = OpsBotEventIds.DiscordGatewayClientReconnecting, Level = LogLevel.Information, Message = "Discord gateway disconnected: {Reason}; will {Next} in {DelayMs:0} ms.")]
        public static partial void Reconnecting(ILogger logger, string reason, string next, double delayMs);

        [LoggerMessage(EventId = OpsBotEventIds.DiscordGatewayClientRetryingConnect, Level = LogLevel.Debug, Message = "Discord gateway attempt failed: {Reason}; will {Next} in {DelayMs:0} ms.")]
        public static partial void RetryingConnect(ILogger logger, string reason, string next, double delayMs);

        [LoggerMessage(EventId = OpsBotEventIds.DiscordGatewayClientConnectionCrashed, Level = LogLevel.Error, Message = "Discord gateway connection failed unexpectedly; reconnecting.")]
        public static partial void ConnectionCrashed(ILogger logger, Exception exception);

        [LoggerMessage(EventId = OpsBotEventIds.DiscordGatewayClientIdentifyBudgetExhausted, Level = LogLevel.Warning,
            Message = "Discord identify budget used up; waiting {Seconds:0} s for it to reset.")]
        public static partial void IdentifyBudgetExhausted(ILogger logger, double seconds);
    }
}
