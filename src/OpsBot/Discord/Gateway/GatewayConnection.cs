using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using OpsBot.Discord.Rest;

namespace OpsBot.Discord.Gateway;

/// <summary>
/// One gateway WebSocket from HELLO to its end. Heartbeat state is per connection on purpose: a flag carried over from
/// the previous socket makes every new socket look like a zombie (a known reconnect-loop bug in other libraries).
/// </summary>
[SuppressMessage("Reliability", "CA1001", Justification = "Lives for one connection/interaction; its SemaphoreSlim never creates a wait handle, and a late send after the owner is done must not meet a disposed lock.")]
internal sealed partial class GatewayConnection(
    DiscordOptions options,
    GatewaySession session,
    IDiscordEventHandler handler,
    TimeProvider time,
    ILogger logger,
    Action onEstablished)
{
    private const int MaxMessageBytes = 16 * 1024 * 1024;
    private const int MaxSendBytes = 4096;

    // Discord disconnects at 120 sends per 60 s; stay a little below.
    private const int SendsPerMinute = 110;
    private static readonly TimeSpan SendWindow = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(1);

    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly Queue<long> _sendTimes = new();
    private int _ackReceived;
    private volatile bool _zombie;
    private bool _established;

    public static Uri BuildUri(Uri gatewayUrl)
    {
        var builder = new UriBuilder(gatewayUrl) { Query = "v=10&encoding=json" };
        if (builder.Path.Length == 0)
        {
            builder.Path = "/";
        }

        return builder.Uri;
    }

    public async Task<GatewayDisconnect> RunAsync(Uri gatewayUrl, bool resume, CancellationToken stoppingToken)
    {
        using var socket = new ClientWebSocket();
        var fallback = resume ? ReconnectAction.Resume : ReconnectAction.Identify;
        try
        {
            using var connectTimeout = new CancellationTokenSource(options.ConnectTimeout, time);
            using var connectToken = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, connectTimeout.Token);
            await socket.ConnectAsync(BuildUri(gatewayUrl), connectToken.Token);
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested && ex is WebSocketException or OperationCanceledException or HttpRequestException)
        {
            return new GatewayDisconnect(fallback, $"could not connect ({ex.GetType().Name}: {ex.Message})");
        }
        catch (OperationCanceledException)
        {
            return new GatewayDisconnect(ReconnectAction.Stop, "stopping");
        }

        Log.Connected(logger, gatewayUrl.Host, resume ? "resume" : "identify");

        // Not linked to stoppingToken: cancelling a pending receive aborts the socket (the server would see 1006 and keep
        // the bot online for minutes). On stop we send close 1000 instead and read on until Discord answers it.
        using var connection = new CancellationTokenSource();
        using var onStop = stoppingToken.Register(() => _ = CloseForShutdownAsync(socket, connection));
        Task heartbeat = Task.CompletedTask;
        try
        {
            var outcome = await ReceiveLoopAsync(socket, resume, task => heartbeat = task, connection.Token);
            if (stoppingToken.IsCancellationRequested)
            {
                return new GatewayDisconnect(ReconnectAction.Stop, "stopping", Established: _established);
            }

            if (outcome.Action is ReconnectAction.Resume or ReconnectAction.Identify or ReconnectAction.Fatal)
            {
                // Any code other than 1000/1001 keeps the session resumable on Discord's side.
                await CloseQuietlyAsync(socket, (WebSocketCloseStatus)4000, "reconnecting");
            }

            return outcome with { Established = _established };
        }
        catch (Exception ex) when (stoppingToken.IsCancellationRequested && ex is WebSocketException or OperationCanceledException or IOException)
        {
            // Discord did not answer our close in time; the close frame went out, so the session ends anyway.
            socket.Abort();
            return new GatewayDisconnect(ReconnectAction.Stop, "stopping", Established: _established);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException or JsonException or InvalidDataException)
        {
            socket.Abort();
            if (_zombie)
            {
                return new GatewayDisconnect(ReconnectAction.Resume, "no heartbeat ACK (zombie connection)", Established: _established);
            }

            return ex is OperationCanceledException && !_established
                ? new GatewayDisconnect(fallback, "no HELLO from the gateway in time", Established: false)
                : new GatewayDisconnect(ReconnectAction.Resume, $"connection lost ({ex.GetType().Name})", Established: _established);
        }
        finally
        {
            await connection.CancelAsync();
            try
            {
                await heartbeat;
            }
            catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or ObjectDisposedException)
            {
            }
        }
    }

    /// <summary>
    /// Sends close 1000 (which ends the session: Discord shows the bot offline at once) and gives Discord
    /// <see cref="CloseTimeout"/> to answer it before the receive loop is cancelled.
    /// </summary>
    private async Task CloseForShutdownAsync(ClientWebSocket socket, CancellationTokenSource connection)
    {
        try
        {
            using var timeout = new CancellationTokenSource(CloseTimeout, time);
            // One sender at a time: a heartbeat may be on its way out.
            await _sendLock.WaitAsync(timeout.Token);
            try
            {
                if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                {
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "shutting down", timeout.Token);
                    Log.Closing(logger);
                }
            }
            finally
            {
                _sendLock.Release();
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
        }

        try
        {
            connection.CancelAfter(CloseTimeout);
        }
        catch (ObjectDisposedException)
        {
            // The connection ended on its own meanwhile.
        }
    }

    private async Task<GatewayDisconnect> ReceiveLoopAsync(ClientWebSocket socket, bool resume, Action<Task> startHeartbeat, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        var helloReceived = false;
        using var helloTimeout = new CancellationTokenSource(options.ConnectTimeout, time);
        using var untilHello = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, helloTimeout.Token);

        while (true)
        {
            var receiveToken = helloReceived ? cancellationToken : untilHello.Token;
            if (!await ReceiveMessageAsync(socket, buffer, receiveToken))
            {
                var code = (int?)socket.CloseStatus;
                var action = GatewayCloseCodes.Classify(code);
                var reason = $"closed by Discord with {code?.ToString(CultureInfo.InvariantCulture) ?? "no code"} ({GatewayCloseCodes.Describe(code)})";
                if (socket.State == WebSocketState.CloseReceived)
                {
                    await CloseQuietlyAsync(socket, (WebSocketCloseStatus)4000, "closing");
                }

                return new GatewayDisconnect(action, reason, code);
            }

            using var document = JsonDocument.Parse(buffer.WrittenMemory);
            var root = document.RootElement;
            if (!root.TryGetProperty("op", out var opElement) || !opElement.TryGetInt32(out var op))
            {
                Log.MalformedPayload(logger);
                continue;
            }

            var data = root.TryGetProperty("d", out var d) ? d : default;
            switch ((GatewayOpCode)op)
            {
                case GatewayOpCode.Hello:
                    if (helloReceived)
                    {
                        break;
                    }

                    helloReceived = true;
                    var interval = TimeSpan.FromMilliseconds(data.GetProperty("heartbeat_interval").GetDouble());
                    Volatile.Write(ref _ackReceived, 1);
                    startHeartbeat(HeartbeatLoopAsync(socket, interval, cancellationToken));
                    if (resume)
                    {
                        Log.Resuming(logger, session.Sequence);
                        await SendAsync(socket, WriteResume, cancellationToken);
                    }
                    else
                    {
                        Log.Identifying(logger, options.Intents);
                        await SendAsync(socket, WriteIdentify, cancellationToken);
                    }

                    break;

                case GatewayOpCode.HeartbeatAck:
                    Volatile.Write(ref _ackReceived, 1);
                    break;

                case GatewayOpCode.Heartbeat:
                    // Discord asks for a beat now; answering with an ACK would be wrong.
                    await SendAsync(socket, WriteHeartbeat, cancellationToken);
                    break;

                case GatewayOpCode.Reconnect:
                    return new GatewayDisconnect(ReconnectAction.Resume, "Discord asked to reconnect (op 7)");

                case GatewayOpCode.InvalidSession:
                    if (data.ValueKind == JsonValueKind.True)
                    {
                        return new GatewayDisconnect(ReconnectAction.Resume, "session invalidated, resumable (op 9 true)");
                    }

                    var min = options.InvalidSessionDelayMin;
                    var delay = min + ((options.InvalidSessionDelayMax - min) * Random.Shared.NextDouble());
                    return new GatewayDisconnect(ReconnectAction.Identify, "session invalidated, not resumable (op 9 false)", Delay: delay);

                case GatewayOpCode.Dispatch:
                    if (root.TryGetProperty("s", out var s) && s.ValueKind == JsonValueKind.Number)
                    {
                        session.Observe(s.GetInt64());
                    }

                    var type = root.TryGetProperty("t", out var t) ? t.GetString() : null;
                    Dispatch(type, data);
                    break;
            }
        }
    }

    private void Dispatch(string? type, JsonElement data)
    {
        switch (type)
        {
            case "READY":
                var ready = ParseReady(data);
                session.Start(ready.SessionId, ready.ResumeGatewayUrl);
                MarkEstablished();
                Log.Ready(logger, ready.UserName, ready.UserId, ready.ApplicationId);
                Invoke(() => handler.OnReady(ready), type);
                break;

            case "RESUMED":
                MarkEstablished();
                Log.Resumed(logger, session.Sequence);
                break;

            case "INTERACTION_CREATE":
                var interaction = data.Clone();
                Invoke(() => handler.OnInteractionCreate(interaction), type);
                break;
        }
    }

    private void MarkEstablished()
    {
        _established = true;
        onEstablished();
    }

    private void Invoke(Action action, string type)
    {
        try
        {
            action();
        }
        catch (Exception ex)
        {
            // A handler bug must not take the gateway down with it.
            Log.HandlerFailed(logger, type, ex);
        }
    }

    private static ReadyEvent ParseReady(JsonElement data)
    {
        var user = data.GetProperty("user");
        var applicationId = data.TryGetProperty("application", out var app) && app.TryGetProperty("id", out var appId)
            ? ParseSnowflake(appId)
            : ParseSnowflake(user.GetProperty("id"));
        return new ReadyEvent(
            applicationId,
            ParseSnowflake(user.GetProperty("id")),
            user.TryGetProperty("username", out var name) ? name.GetString() ?? "?" : "?",
            data.GetProperty("session_id").GetString() ?? throw new InvalidDataException("READY without session_id."),
            new Uri(data.GetProperty("resume_gateway_url").GetString() ?? throw new InvalidDataException("READY without resume_gateway_url.")));
    }

    private static ulong ParseSnowflake(JsonElement element) =>
        ulong.Parse(element.GetString() ?? throw new InvalidDataException("Snowflake is null."), NumberStyles.None, CultureInfo.InvariantCulture);

    private async Task HeartbeatLoopAsync(ClientWebSocket socket, TimeSpan interval, CancellationToken cancellationToken)
    {
        await Task.Yield();

        // Random first beat spreads reconnecting clients out, as Discord asks.
        await Task.Delay(interval * Random.Shared.NextDouble(), time, cancellationToken);
        while (!cancellationToken.IsCancellationRequested)
        {
            if (Interlocked.Exchange(ref _ackReceived, 0) == 0)
            {
                // Half-open TCP: writes still succeed but nothing comes back. Abort (not 1000/1001) so the session stays resumable.
                _zombie = true;
                Log.Zombie(logger, interval.TotalMilliseconds);
                socket.Abort();
                return;
            }

            await SendAsync(socket, WriteHeartbeat, cancellationToken);
            await Task.Delay(interval, time, cancellationToken);
        }
    }

    private async Task SendAsync(ClientWebSocket socket, Action<Utf8JsonWriter> write, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, DiscordPayloadWriter.WriterOptions))
        {
            write(writer);
        }

        if (buffer.WrittenCount > MaxSendBytes)
        {
            throw new InvalidOperationException($"Gateway payload of {buffer.WrittenCount} bytes exceeds Discord's {MaxSendBytes}-byte limit.");
        }

        // ClientWebSocket allows one sender at a time; heartbeats and identify/resume share this lock.
        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            var now = time.GetTimestamp();
            while (_sendTimes.Count > 0 && time.GetElapsedTime(_sendTimes.Peek(), now) >= SendWindow)
            {
                _sendTimes.Dequeue();
            }

            if (_sendTimes.Count >= SendsPerMinute)
            {
                await Task.Delay(SendWindow - time.GetElapsedTime(_sendTimes.Dequeue(), now), time, cancellationToken);
            }

            _sendTimes.Enqueue(time.GetTimestamp());
            await socket.SendAsync(buffer.WrittenMemory, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private void WriteHeartbeat(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteNumber("op", (int)GatewayOpCode.Heartbeat);
        WriteSequence(writer, "d");
        writer.WriteEndObject();
    }

    private void WriteIdentify(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteNumber("op", (int)GatewayOpCode.Identify);
        writer.WriteStartObject("d");
        writer.WriteString("token", options.Token);
        writer.WriteNumber("intents", options.Intents);
        writer.WriteStartObject("properties");
        writer.WriteString("os", OperatingSystem.IsLinux() ? "linux" : Environment.OSVersion.Platform.ToString().ToLowerInvariant());
        writer.WriteString("browser", "opsbot");
        writer.WriteString("device", "opsbot");
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private void WriteResume(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteNumber("op", (int)GatewayOpCode.Resume);
        writer.WriteStartObject("d");
        writer.WriteString("token", options.Token);
        writer.WriteString("session_id", session.SessionId);
        WriteSequence(writer, "seq");
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private void WriteSequence(Utf8JsonWriter writer, string name)
    {
        if (session.Sequence is { } sequence)
        {
            writer.WriteNumber(name, sequence);
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    private static async Task<bool> ReceiveMessageAsync(ClientWebSocket socket, ArrayBufferWriter<byte> buffer, CancellationToken cancellationToken)
    {
        // One gateway message may span many frames (READY, GUILD_CREATE): read to EndOfMessage before parsing.
        buffer.ResetWrittenCount();
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer.GetMemory(16 * 1024), cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return false;
            }

            buffer.Advance(result.Count);
            if (buffer.WrittenCount > MaxMessageBytes)
            {
                throw new InvalidDataException($"Gateway message larger than {MaxMessageBytes} bytes.");
            }

            if (result.EndOfMessage)
            {
                return true;
            }
        }
    }

    private async Task CloseQuietlyAsync(ClientWebSocket socket, WebSocketCloseStatus status, string reason)
    {
        if (socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
        {
            return;
        }

        try
        {
            using var timeout = new CancellationTokenSource(CloseTimeout, time);
            await socket.CloseOutputAsync(status, reason, timeout.Token);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            socket.Abort();
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = OpsBotEventIds.GatewayConnectionConnected, Level = LogLevel.Information, Message = "Discord gateway connected to {Host}; sending {Mode}.")]
        public static partial void Connected(ILogger logger, string host, string mode);

        [LoggerMessage(EventId = OpsBotEventIds.GatewayConnectionIdentifying, Level = LogLevel.Information, Message = "Discord gateway: identifying with intents {Intents}.")]
        public static partial void Identifying(ILogger logger, int intents);

        [LoggerMessage(EventId = OpsBotEventIds.GatewayConnectionResuming, Level = LogLevel.Information, Message = "Discord gateway: resuming session at sequence {Sequence}.")]
        public static partial void Resuming(ILogger logger, long? sequence);

        [LoggerMessage(EventId = OpsBotEventIds.GatewayConnectionReady, Level = LogLevel.Information, Message = "Discord gateway ready as {UserName} ({UserId}), application {ApplicationId}.")]
        public static partial void Ready(ILogger logger, string userName, ulong userId, ulong applicationId);

        [LoggerMessage(EventId = OpsBotEventIds.GatewayConnectionResumed, Level = LogLevel.Information, Message = "Discord gateway session resumed at sequence {Sequence}.")]
        public static partial void Resumed(ILogger logger, long? sequence);

        [LoggerMessage(EventId = OpsBotEventIds.GatewayConnectionZombie, Level = LogLevel.Warning,
            Message = "Discord gateway sent no heartbeat ACK within {IntervalMs} ms: zombie connection, reconnecting to resume.")]
        public static partial void Zombie(ILogger logger, double intervalMs);

        [LoggerMessage(EventId = OpsBotEventIds.GatewayConnectionMalformedPayload, Level = LogLevel.Warning, Message = "Discord gateway sent a payload without an op code; ignored.")]
        public static partial void MalformedPayload(ILogger logger);

        [LoggerMessage(EventId = OpsBotEventIds.GatewayConnectionClosing, Level = LogLevel.Information, Message = "Discord gateway: closing the session (1000) for shutdown.")]
        public static partial void Closing(ILogger logger);

        [LoggerMessage(EventId = OpsBotEventIds.GatewayConnectionHandlerFailed, Level = LogLevel.Error, Message = "Discord event handler for {EventType} failed.")]
        public static partial void HandlerFailed(ILogger logger, string eventType, Exception exception);
    }
}
