using System.Text.Json;

namespace OpsBot.VllmSimulator;

/// <summary>One request as the simulator received it (monitoring endpoints such as /health are not recorded).</summary>
public sealed record RecordedRequest(
    string Method,
    string Path,
    IReadOnlyDictionary<string, string> Headers,
    string Body,
    DateTimeOffset ReceivedAt)
{
    private JsonElement? _json;
    private bool _jsonParsed;
    private long _abortedAtTicks;
    private long _completedAtTicks;

    /// <summary>The body parsed as JSON, or null when it is not JSON. Parsed lazily so benchmarks don't pay for it.</summary>
    public JsonElement? Json
    {
        get
        {
            if (!_jsonParsed)
            {
                _json = TryParse(Body);
                _jsonParsed = true;
            }

            return _json;
        }
    }

    /// <summary>True when the body asked for <c>"stream": true</c>.</summary>
    public bool Stream =>
        Json is { ValueKind: JsonValueKind.Object } root
        && root.TryGetProperty("stream", out var stream)
        && stream.ValueKind == JsonValueKind.True;

    /// <summary>The request's <c>model</c>, if any.</summary>
    public string? Model =>
        Json is { ValueKind: JsonValueKind.Object } root
        && root.TryGetProperty("model", out var model)
        && model.ValueKind == JsonValueKind.String
            ? model.GetString()
            : null;

    /// <summary>When the client went away before the response completed (RequestAborted fired).</summary>
    public DateTimeOffset? AbortedAt => FromTicks(Interlocked.Read(ref _abortedAtTicks));

    /// <summary>When the simulator finished sending the response (null while in flight or if aborted).</summary>
    public DateTimeOffset? CompletedAt => FromTicks(Interlocked.Read(ref _completedAtTicks));

    /// <summary>HTTP status the simulator chose (200 also for streams that later failed).</summary>
    public int? StatusCode { get; internal set; }

    /// <summary>The answer served, null for requests rejected before generation (auth, validation, 404).</summary>
    public SimulatedAnswer? Answer { get; internal set; }

    internal bool MarkAborted(DateTimeOffset at) =>
        Interlocked.CompareExchange(ref _abortedAtTicks, at.UtcTicks, 0) == 0;

    internal void MarkCompleted(DateTimeOffset at) =>
        Interlocked.CompareExchange(ref _completedAtTicks, at.UtcTicks, 0);

    private static DateTimeOffset? FromTicks(long ticks) =>
        ticks == 0 ? null : new DateTimeOffset(ticks, TimeSpan.Zero);

    private static JsonElement? TryParse(string body)
    {
        if (body.Length == 0)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
