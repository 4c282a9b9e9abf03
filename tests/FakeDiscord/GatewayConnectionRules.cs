using System.Text.Json;
using System.Text.Json.Nodes;
using System.Web;

namespace OpsBot.FakeDiscord;

/// <summary>
/// Discord's rules for one gateway connection, as close codes: the connect query (<c>v=10&amp;encoding=json</c>, else
/// 4012/4002), payloads that are not JSON or over 4096 bytes (4002), anything but a heartbeat before IDENTIFY or
/// RESUME (4003), a second IDENTIFY (4005), more than 120 payloads in 60 s (4008), invalid or privileged intents
/// the application was not granted (4013/4014). The heartbeat timeout (4009) is timed by <see cref="FakeGateway"/>.
/// </summary>
/// <remarks>
/// Discord counts heartbeats toward the 120, which its ~41 s interval makes negligible. The fake's interval is
/// compressed to a fraction of a second so tests run fast; heartbeats at that pace would exhaust the budget on
/// their own, so a heartbeat counts only when it comes sooner than half the advertised interval after the last.
/// </remarks>
public sealed class GatewayConnectionRules(TimeProvider time, TimeSpan heartbeatInterval)
{
    public const int MaxPayloadBytes = 4096;
    public const int MaxPayloadsPerWindow = 120;
    public static readonly TimeSpan PayloadWindow = TimeSpan.FromSeconds(60);

    // GUILD_MEMBERS, GUILD_PRESENCES, MESSAGE_CONTENT.
    public const int PrivilegedIntents = (1 << 1) | (1 << 8) | (1 << 15);

    // Every intent Discord defines up to DIRECT_MESSAGE_POLLS (1 << 25).
    private const int KnownIntents = (1 << 26) - 1;

    private readonly Queue<long> _received = new();
    private long _lastHeartbeat = long.MinValue;

    /// <summary>True once IDENTIFY or RESUME was accepted on this connection.</summary>
    public bool Authenticated { get; set; }

    /// <summary>The close code for a connect query Discord refuses; null when it is fine.</summary>
    public static (int Code, string Reason)? CheckQuery(string query)
    {
        var values = HttpUtility.ParseQueryString(query);
        if (values["v"] != "10")
        {
            return (4012, "Invalid API version.");
        }

        return values["encoding"] is null or "json" ? null : (4002, "Error while decoding payload.");
    }

    /// <summary>Checks one received payload; returns it parsed, or the close code it earns.</summary>
    public (JsonNode? Message, (int Code, string Reason)? Close) Inspect(byte[] payload)
    {
        JsonNode? message = null;
        var code = -1;
        if (payload.Length <= MaxPayloadBytes)
        {
            try
            {
                message = JsonNode.Parse(payload);
            }
            catch (JsonException)
            {
            }

            if (message is JsonObject envelope && envelope["op"] is JsonValue op && op.TryGetValue<int>(out var parsed))
            {
                code = parsed;
            }
        }

        var now = time.GetTimestamp();
        if (!(code == 1 && IsPaced(now)))
        {
            _received.Enqueue(now);
        }

        while (_received.Count > 0 && time.GetElapsedTime(_received.Peek(), now) >= PayloadWindow)
        {
            _received.Dequeue();
        }

        if (_received.Count > MaxPayloadsPerWindow)
        {
            return (null, (4008, "Rate limited."));
        }

        if (code < 0)
        {
            return (null, (4002, "Error while decoding payload."));
        }

        if (code == 2 && Authenticated)
        {
            return (null, (4005, "Already authenticated."));
        }

        if (code is not (1 or 2 or 6) && !Authenticated)
        {
            return (null, (4003, "Not authenticated."));
        }

        return (message, null);
    }

    private bool IsPaced(long now)
    {
        var paced = _lastHeartbeat == long.MinValue || time.GetElapsedTime(_lastHeartbeat, now) >= heartbeatInterval / 2;
        _lastHeartbeat = now;
        return paced;
    }

    /// <summary>The close code an IDENTIFY's intents earn; null when they are fine.</summary>
    public static (int Code, string Reason)? CheckIntents(JsonNode? identify, int granted)
    {
        if (identify?["intents"] is not JsonValue value || !value.TryGetValue<long>(out var intents) || intents < 0 || (intents & ~(long)KnownIntents) != 0)
        {
            return (4013, "Invalid intent(s).");
        }

        return (intents & PrivilegedIntents & ~granted) != 0 ? (4014, "Disallowed intent(s).") : null;
    }
}
