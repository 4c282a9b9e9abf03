using System.Buffers;

namespace OpsBot.ProxyCore.Proxy.Sse;

/// <summary>What one line of an upstream event stream is.</summary>
internal enum SseLineKind
{
    /// <summary>The blank line that ends an event.</summary>
    Blank,
    /// <summary><c>data:</c>, the payload.</summary>
    Data,
    /// <summary>A comment (<c>:</c> keep-alive) or an <c>event:</c>, <c>id:</c> or <c>retry:</c> field: relayed, not read.</summary>
    Other,
    /// <summary>Anything else: not an event stream (an HTML error page, garbage).</summary>
    NotSse,
}

/// <summary>
/// The line framing both readers of vLLM's streams share (<see cref="SseEventReader"/> in stream mode,
/// <see cref="SseRelay"/> when relaying): splits lines, judges each, and bounds how long a line may grow.
/// </summary>
internal static class SseLines
{
    private static ReadOnlySpan<byte> DataPrefix => "data:"u8;

    /// <summary>Takes the next complete line (without its <c>\n</c>) off the front of <paramref name="buffer"/>.</summary>
    public static bool TryReadLine(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> line)
    {
        var position = buffer.PositionOf((byte)'\n');
        if (position is null)
        {
            line = default;
            return false;
        }

        line = buffer.Slice(0, position.Value);
        buffer = buffer.Slice(buffer.GetPosition(1, position.Value));
        return true;
    }

    /// <summary>Classifies a line (a trailing <c>\r</c> is ignored) and gives a data line's payload without its optional space.</summary>
    public static SseLineKind Classify(ReadOnlySpan<byte> line, out ReadOnlySpan<byte> data)
    {
        data = default;
        if (line.EndsWith((byte)'\r'))
        {
            line = line[..^1];
        }

        if (line.IsEmpty)
        {
            return SseLineKind.Blank;
        }

        if (line.StartsWith(DataPrefix))
        {
            data = line[DataPrefix.Length..];
            if (!data.IsEmpty && data[0] == (byte)' ')
            {
                data = data[1..];
            }

            return SseLineKind.Data;
        }

        return line[0] == (byte)':' || line.StartsWith("event:"u8) || line.StartsWith("id:"u8) || line.StartsWith("retry:"u8)
            ? SseLineKind.Other
            : SseLineKind.NotSse;
    }

    public static string TooLarge(int maxEventBytes) =>
        $"vLLM sent an event larger than {maxEventBytes} bytes (Proxy:MaxSseEventBytes); the stream was cut there.";

    public static string NotSse(ReadOnlySpan<byte> line) =>
        $"vLLM's stream is not a server-sent event stream (a line reads '{Excerpt(line)}').";

    /// <summary>At most 200 bytes of a line, as text, for an error message.</summary>
    public static string Excerpt(ReadOnlySpan<byte> line)
    {
        var cut = line.Length > 200;
        var text = System.Text.Encoding.UTF8.GetString(line[..Math.Min(line.Length, 200)]).TrimEnd('\r');
        return cut ? text + "…" : text;
    }
}
