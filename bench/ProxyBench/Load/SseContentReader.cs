using System.Buffers;
using System.Text;
using System.Text.Json;

namespace OpsBot.Bench.Load;

/// <summary>
/// Incremental <c>data: ...\n\n</c> parser that concatenates <c>choices[].delta.content</c>, so the
/// benchmark can check what it measured and time the first chunk that carries real content.
/// </summary>
internal sealed class SseContentReader
{
    private static readonly byte[] EventEnd = "\n\n"u8.ToArray();
    private static readonly byte[] DataPrefix = "data: "u8.ToArray();

    private readonly ArrayBufferWriter<byte> _pending = new(4096);
    private readonly StringBuilder _content = new();

    public string Content => _content.ToString();

    public bool SawDone { get; private set; }

    public int Events { get; private set; }

    public int Errors { get; private set; }

    /// <returns>True when this piece completed an event with non-empty content.</returns>
    public bool Feed(ReadOnlySpan<byte> bytes)
    {
        _pending.Write(bytes);
        var gotContent = false;
        var data = _pending.WrittenSpan;
        var consumed = 0;
        int end;
        while ((end = data[consumed..].IndexOf(EventEnd)) >= 0)
        {
            gotContent |= OnEvent(data.Slice(consumed, end));
            consumed += end + EventEnd.Length;
        }

        if (consumed > 0)
        {
            var rest = data[consumed..].ToArray();
            _pending.ResetWrittenCount();
            _pending.Write(rest);
        }

        return gotContent;
    }

    private bool OnEvent(ReadOnlySpan<byte> line)
    {
        if (!line.StartsWith(DataPrefix))
        {
            return false;
        }

        Events++;
        var payload = line[DataPrefix.Length..];
        if (payload.SequenceEqual("[DONE]"u8))
        {
            SawDone = true;
            return false;
        }

        using var document = JsonDocument.Parse(payload.ToArray());
        var root = document.RootElement;
        if (root.TryGetProperty("error", out _))
        {
            Errors++;
        }

        var found = false;
        if (root.TryGetProperty("choices", out var choices) && choices.ValueKind == JsonValueKind.Array)
        {
            foreach (var choice in choices.EnumerateArray())
            {
                if (choice.TryGetProperty("delta", out var delta)
                    && delta.TryGetProperty("content", out var content)
                    && content.ValueKind == JsonValueKind.String
                    && content.GetString() is { Length: > 0 } text)
                {
                    _content.Append(text);
                    found = true;
                }
            }
        }

        return found;
    }
}
