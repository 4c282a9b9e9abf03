using System.Text;
using System.Text.Json;

namespace OpsBot.ProxyCore.Proxy.Upstream;

/// <summary>
/// The first <see cref="MaxBytes"/> of an upstream body, all that is kept of it for logs, completion events and the
/// in-memory proxy log: a broken upstream once answered with a 50 MB error body, which became one 52 MB log line per
/// request and 3 GiB of RSS. The body itself is streamed to the client, never held.
/// </summary>
internal sealed class UpstreamExcerpt
{
    /// <summary>Bytes of an upstream body, and characters of any upstream text, kept for logs and events.</summary>
    public const int MaxBytes = 4096;

    private readonly byte[] _head = new byte[MaxBytes];
    private int _kept;

    /// <summary>Bytes seen in all.</summary>
    public long Total { get; private set; }

    public void Capture(ReadOnlySpan<byte> bytes)
    {
        var take = Math.Min(bytes.Length, MaxBytes - _kept);
        bytes[..take].CopyTo(_head.AsSpan(_kept));
        _kept += take;
        Total += bytes.Length;
    }

    /// <summary>Reads the first <see cref="MaxBytes"/> of <paramref name="stream"/> (the rest is left unread).</summary>
    public static async Task<UpstreamExcerpt> ReadAsync(Stream stream, CancellationToken cancellationToken)
    {
        var excerpt = new UpstreamExcerpt();
        int read;
        while (excerpt._kept < MaxBytes && (read = await stream.ReadAsync(excerpt._head.AsMemory(excerpt._kept), cancellationToken)) > 0)
        {
            excerpt._kept += read;
            excerpt.Total += read;
        }

        return excerpt;
    }

    /// <summary>
    /// What the body says went wrong: the <c>error.message</c> of a whole JSON error (OpenAI's, vLLM's, or FastAPI's
    /// <c>detail</c>), else the text kept, marked as cut when there was more.
    /// </summary>
    public string Message()
    {
        var head = _head.AsSpan(0, _kept);
        if (Total == _kept && JsonTextValidity.IsValid(head) && TryReadError(head) is { } message)
        {
            return Cut(message);
        }

        var text = Encoding.UTF8.GetString(head).Trim();
        return Total > _kept ? Cut(text, $"… (cut, {Total} bytes)") : Cut(text);
    }

    /// <summary>Upstream text for a log line or an event: at most <see cref="MaxBytes"/> characters.</summary>
    public static string Cut(string text) => text.Length <= MaxBytes ? text : Cut(text, $"… (cut, {text.Length} characters)");

    /// <summary>The start of <paramref name="text"/> and <paramref name="marker"/>, <see cref="MaxBytes"/> characters in all.</summary>
    private static string Cut(string text, string marker)
    {
        var end = Math.Min(text.Length, MaxBytes - marker.Length);
        if (end > 0 && char.IsHighSurrogate(text[end - 1]))
        {
            end--;
        }

        return text[..end] + marker;
    }

    private static string? TryReadError(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var error = root.TryGetProperty("error", out var e) ? e : root.TryGetProperty("detail", out var d) ? d : root;
            return error.ValueKind switch
            {
                JsonValueKind.String => error.GetString(),
                JsonValueKind.Object when error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String => m.GetString(),
                _ when root.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String => m.GetString(),
                _ => error.GetRawText(),
            };
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
