using System.Net.WebSockets;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace OpsBot.FakeDiscord;

/// <summary>
/// The fake gateway: HELLO with a short interval, IDENTIFY/READY, heartbeats (ACKs switchable), RESUME with replay of the
/// events the client missed, and scriptable op 7 / op 9 / close codes / aborts.
/// </summary>
public sealed class FakeGateway
{
    private readonly FakeDiscordOptions _options;
    private readonly Func<Uri> _baseUri;
    private readonly FakeClock _clock;
    private readonly Lock _lock = new();
    private readonly List<(long Sequence, string Type, JsonNode Data)> _sessionEvents = [];
    private FakeGatewayConnection? _current;
    private string? _sessionId;
    private long _sequence;
    private int _connections;
    private int _sessionStartRemaining;

    internal FakeGateway(FakeDiscordOptions options, Func<Uri> baseUri, FakeClock clock)
    {
        _options = options;
        _baseUri = baseUri;
        _clock = clock;
        _sessionStartRemaining = options.SessionStartRemaining;
    }

    public Recorder<GatewayEvent> Events { get; } = new();

    /// <summary>Switch off to simulate a half-open connection (the client must detect the zombie and resume).</summary>
    public bool AckHeartbeats { get; set; } = true;

    /// <summary>
    /// Replays every event of the session on RESUME, including ones the client already acknowledged by sequence:
    /// Discord delivers at least once, so the bot must dedupe.
    /// </summary>
    public bool ReplayDeliveredEventsOnResume { get; set; }

    /// <summary>When set, the next dispatch is only buffered (as if sent while the client was away).</summary>
    public bool HoldDispatches { get; set; }

    public int ConnectionCount => Volatile.Read(ref _connections);

    public string? SessionId
    {
        get
        {
            lock (_lock)
            {
                return _sessionId;
            }
        }
    }

    public long Sequence
    {
        get
        {
            lock (_lock)
            {
                return _sequence;
            }
        }
    }

    public string ResumePath => "/resume";

    /// <summary>Sends op 0 with the next sequence to the live session; buffered for replay when nobody is connected.</summary>
    public async Task<long> DispatchAsync(string type, JsonNode data)
    {
        FakeGatewayConnection? target;
        long sequence;
        lock (_lock)
        {
            sequence = ++_sequence;
            _sessionEvents.Add((sequence, type, data.DeepClone()));
            target = HoldDispatches ? null : _current;
        }

        Events.Add(new GatewayEvent(target?.Number ?? 0, "dispatch", type, data.DeepClone(), null, _clock.Elapsed));
        if (target is not null)
        {
            try
            {
                await target.SendAsync(Envelope(0, data.DeepClone(), sequence, type));
            }
            catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or InvalidOperationException)
            {
                // The client is gone; the event stays buffered for its resume.
            }
        }

        return sequence;
    }

    public Task SendReconnectAsync() => SendToCurrentAsync(Envelope(7, null, null, null));

    public Task SendInvalidSessionAsync(bool resumable) => SendToCurrentAsync(Envelope(9, JsonValue.Create(resumable), null, null));

    /// <summary>Op 1 from the server: the client must heartbeat at once.</summary>
    public Task RequestHeartbeatAsync() => SendToCurrentAsync(Envelope(1, null, null, null));

    public async Task CloseAsync(int code, string reason = "closed by test")
    {
        var current = Current ?? throw new InvalidOperationException("No live gateway connection.");
        Events.Add(new GatewayEvent(current.Number, "server-close", current.Path, null, code, _clock.Elapsed));
        await current.CloseAsync(code, reason);
    }

    /// <summary>Drops the TCP connection without a close frame.</summary>
    public void Abort()
    {
        var current = Current ?? throw new InvalidOperationException("No live gateway connection.");
        Events.Add(new GatewayEvent(current.Number, "server-abort", current.Path, null, null, _clock.Elapsed));
        current.Abort();
    }

    public Task<GatewayEvent> WaitForAsync(string kind, int count = 1, TimeSpan? timeout = null) =>
        Events.WaitForAsync(e => e.Kind == kind, timeout, count);

    public int Count(string kind) => Events.Snapshot().Count(e => e.Kind == kind);

    private FakeGatewayConnection? Current
    {
        get
        {
            lock (_lock)
            {
                return _current;
            }
        }
    }

    internal async Task HandleAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        var path = context.Request.Path.Value ?? "/";
        var query = context.Request.QueryString.Value ?? string.Empty;
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var connection = new FakeGatewayConnection(Interlocked.Increment(ref _connections), path, socket, _options.FrameChunkSize);
        Events.Add(new GatewayEvent(connection.Number, "connect", path + query, null, null, _clock.Elapsed));
        var rules = new GatewayConnectionRules(_clock.Time, TimeSpan.FromMilliseconds(_options.HeartbeatIntervalMs));
        int? closeCode = null;
        var heartbeatTimeout = _options.HeartbeatTimeout ?? (TimeSpan.FromMilliseconds(2.0 * _options.HeartbeatIntervalMs) + TimeSpan.FromSeconds(10));
        using var sessionTimeout = _clock.Time.CreateTimer(
            _ => _ = RuleCloseAsync(connection, (4009, "Session timed out.")), null, heartbeatTimeout, Timeout.InfiniteTimeSpan);
        try
        {
            if (GatewayConnectionRules.CheckQuery(query) is { } badQuery)
            {
                await RuleCloseAsync(connection, badQuery);
            }
            else
            {
                await connection.SendAsync(Envelope(10, new JsonObject { ["heartbeat_interval"] = _options.HeartbeatIntervalMs }, null, null));
            }

            while (true)
            {
                var payload = await connection.ReceiveBytesAsync(context.RequestAborted);
                if (payload is null)
                {
                    // The client's close code is what Discord acts on (1000/1001 end the session); answer it as Discord does.
                    closeCode = (int?)socket.CloseStatus;
                    if (socket.State == WebSocketState.CloseReceived)
                    {
                        await socket.CloseOutputAsync(socket.CloseStatus ?? WebSocketCloseStatus.NormalClosure, null, context.RequestAborted);
                    }

                    break;
                }

                var (message, broken) = rules.Inspect(payload);
                if (broken is { } rule)
                {
                    await RuleCloseAsync(connection, rule);
                    continue;
                }

                var op = message!["op"]!.GetValue<int>();
                var data = message["d"];
                switch (op)
                {
                    case 1:
                        sessionTimeout.Change(heartbeatTimeout, Timeout.InfiniteTimeSpan);
                        Events.Add(new GatewayEvent(connection.Number, "heartbeat", path, data?.DeepClone(), null, _clock.Elapsed));
                        if (AckHeartbeats)
                        {
                            await connection.SendAsync(new JsonObject { ["op"] = 11 });
                        }

                        break;
                    case 2:
                        rules.Authenticated = await OnIdentifyAsync(connection, data);
                        break;
                    case 6:
                        rules.Authenticated = await OnResumeAsync(connection, data);
                        break;
                    default:
                        Events.Add(new GatewayEvent(connection.Number, $"op{op}", path, data?.DeepClone(), null, _clock.Elapsed));
                        break;
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException)
        {
        }
        finally
        {
            lock (_lock)
            {
                if (_current == connection)
                {
                    _current = null;
                }
            }

            Events.Add(new GatewayEvent(connection.Number, "closed", path, null, closeCode, _clock.Elapsed));
        }
    }

    /// <summary>Remaining IDENTIFYs before Discord resets the token (session_start_limit.remaining); each IDENTIFY takes one.</summary>
    public int SessionStartRemaining => Volatile.Read(ref _sessionStartRemaining);

    /// <summary>Closes a connection that broke one of Discord's rules, recorded as a "rule-close" event with its code.</summary>
    private async Task RuleCloseAsync(FakeGatewayConnection connection, (int Code, string Reason) rule)
    {
        Events.Add(new GatewayEvent(connection.Number, "rule-close", connection.Path, JsonValue.Create(rule.Reason), rule.Code, _clock.Elapsed));
        try
        {
            await connection.CloseAsync(rule.Code, rule.Reason);
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or InvalidOperationException)
        {
            // Already closing or gone.
        }
    }

    private async Task<bool> OnIdentifyAsync(FakeGatewayConnection connection, JsonNode? data)
    {
        Events.Add(new GatewayEvent(connection.Number, "identify", connection.Path, data?.DeepClone(), null, _clock.Elapsed));
        if (data?["token"]?.GetValue<string>() != _options.Token || Interlocked.Decrement(ref _sessionStartRemaining) < 0)
        {
            // Past the daily session budget Discord resets the token, so the identify fails authentication.
            await RuleCloseAsync(connection, (4004, "Authentication failed."));
            return false;
        }

        if (GatewayConnectionRules.CheckIntents(data, _options.GrantedPrivilegedIntents) is { } badIntents)
        {
            await RuleCloseAsync(connection, badIntents);
            return false;
        }

        long sequence;
        string sessionId;
        lock (_lock)
        {
            _sessionId = sessionId = Guid.NewGuid().ToString("N");
            _sequence = 0;
            _sessionEvents.Clear();
            sequence = ++_sequence;
            _current = connection;
        }

        var resumeUrl = new UriBuilder(_baseUri()) { Scheme = "ws", Path = ResumePath }.Uri.ToString().TrimEnd('/');
        var ready = new JsonObject
        {
            ["v"] = 10,
            ["user"] = new JsonObject { ["id"] = _options.ApplicationId.ToString(), ["username"] = "opsbot", ["discriminator"] = "0", ["bot"] = true },
            ["guilds"] = new JsonArray(new JsonObject { ["id"] = _options.GuildId.ToString(), ["unavailable"] = true }),
            ["session_id"] = sessionId,
            ["session_type"] = "normal",
            ["resume_gateway_url"] = resumeUrl,
            ["application"] = new JsonObject { ["id"] = _options.ApplicationId.ToString(), ["flags"] = 0 },
            ["private_channels"] = new JsonArray(),
            ["_trace"] = new JsonArray("fake-discord"),
        };
        await connection.SendAsync(Envelope(0, ready, sequence, "READY"));
        Events.Add(new GatewayEvent(connection.Number, "ready", connection.Path, null, null, _clock.Elapsed));
        return true;
    }

    private async Task<bool> OnResumeAsync(FakeGatewayConnection connection, JsonNode? data)
    {
        Events.Add(new GatewayEvent(connection.Number, "resume", connection.Path, data?.DeepClone(), null, _clock.Elapsed));
        if (data?["token"]?.GetValue<string>() != _options.Token)
        {
            await RuleCloseAsync(connection, (4004, "Authentication failed."));
            return false;
        }

        var sessionId = data["session_id"]?.GetValue<string>();
        var seq = data["seq"] is JsonValue value ? value.GetValue<long>() : 0;
        List<(long Sequence, string Type, JsonNode Data)> replay;
        long resumed;
        lock (_lock)
        {
            if (sessionId is not null && sessionId == _sessionId && seq > _sequence)
            {
                // A sequence the session never reached.
                replay = [];
                resumed = -2;
            }
            else if (sessionId is null || sessionId != _sessionId)
            {
                replay = [];
                resumed = -1;
            }
            else
            {
                replay = _sessionEvents.Where(e => ReplayDeliveredEventsOnResume || e.Sequence > seq).ToList();
                resumed = ++_sequence;
                _current = connection;
            }
        }

        if (resumed == -2)
        {
            await RuleCloseAsync(connection, (4007, "Invalid seq."));
            return false;
        }

        if (resumed < 0)
        {
            Events.Add(new GatewayEvent(connection.Number, "resume-refused", connection.Path, null, null, _clock.Elapsed));
            await connection.SendAsync(Envelope(9, JsonValue.Create(false), null, null));
            return false;
        }

        foreach (var (sequence, type, payload) in replay)
        {
            await connection.SendAsync(Envelope(0, payload.DeepClone(), sequence, type));
        }

        await connection.SendAsync(Envelope(0, new JsonObject(), resumed, "RESUMED"));
        Events.Add(new GatewayEvent(connection.Number, "resumed", connection.Path, new JsonObject { ["replayed"] = replay.Count }, null, _clock.Elapsed));
        return true;
    }

    private async Task SendToCurrentAsync(JsonNode payload)
    {
        var current = Current ?? throw new InvalidOperationException("No live gateway connection.");
        Events.Add(new GatewayEvent(current.Number, $"server-op{payload["op"]}", current.Path, payload["d"]?.DeepClone(), null, _clock.Elapsed));
        await current.SendAsync(payload);
    }

    private static JsonObject Envelope(int op, JsonNode? data, long? sequence, string? type) => new()
    {
        ["op"] = op,
        ["d"] = data,
        ["s"] = sequence,
        ["t"] = type,
    };
}
