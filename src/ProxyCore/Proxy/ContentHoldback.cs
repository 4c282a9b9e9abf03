using System.Text;
using OpsBot.ProxyCore.ToolCalls;

namespace OpsBot.ProxyCore.Proxy;

/// <summary>
/// Decides which streamed text can go to the client at once. Plain prose flows through untouched;
/// from the first point where a tool-call marker may begin (including a marker split across deltas)
/// text is held until the end of the answer, then run through <see cref="ToolCallExtractor"/>.
/// </summary>
public sealed class ContentHoldback
{
    private static readonly string[] Markers = ["<tool_call>", "<function=", "<tools>", "[TOOL_CALLS]", "<|python_tag|>", "```"];

    private readonly StringBuilder _held = new();
    private string _pending = "";
    private bool _holding;
    private bool _atLineStart = true;

    /// <summary>True once text is being held back.</summary>
    public bool Holding => _holding;

    /// <summary>Takes the next delta and returns the part that is safe to send now (may be empty).</summary>
    public string Push(string delta)
    {
        if (_holding)
        {
            _held.Append(delta);
            return "";
        }

        var text = _pending.Length == 0 ? delta : _pending + delta;
        _pending = "";
        var start = FindMarkerStart(text, out var partialTail);
        if (start >= 0)
        {
            _holding = true;
            _held.Append(text, start, text.Length - start);
            return Release(text, start);
        }

        if (partialTail > 0)
        {
            // The delta ends in what may be the first characters of a marker ("<too"): wait for more.
            _pending = text[^partialTail..];
            return Release(text, text.Length - partialTail);
        }

        return Release(text, text.Length);
    }

    /// <summary>At the end of the answer: the calls found in the held text and the text still to send.</summary>
    public ToolCallExtraction Complete(ToolCatalog tools)
    {
        var rest = _held.Append(_pending).ToString();
        _held.Clear();
        _pending = "";
        if (rest.Length == 0)
        {
            return ToolCallExtraction.None(null);
        }

        return ToolCallExtractor.Extract(rest, tools);
    }

    private string Release(string text, int length)
    {
        if (length == 0)
        {
            return "";
        }

        var released = text[..length];
        _atLineStart = released[^1] == '\n' || (_atLineStart && string.IsNullOrWhiteSpace(released));
        return released;
    }

    /// <summary>Index where a marker (or a JSON call at the start of a line) begins, or -1; sets how many trailing characters may start one.</summary>
    private int FindMarkerStart(string text, out int partialTail)
    {
        partialTail = 0;
        var lineStart = _atLineStart;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (lineStart && (c == '{' || c == '['))
            {
                return i;
            }

            if (c is '<' or '[' or '`')
            {
                foreach (var marker in Markers)
                {
                    var available = Math.Min(marker.Length, text.Length - i);
                    if (string.CompareOrdinal(text, i, marker, 0, available) != 0)
                    {
                        continue;
                    }

                    if (available == marker.Length)
                    {
                        return i;
                    }

                    partialTail = Math.Max(partialTail, text.Length - i);
                }

                if (partialTail > 0)
                {
                    return -1;
                }
            }

            if (c == '\n')
            {
                lineStart = true;
            }
            else if (!char.IsWhiteSpace(c))
            {
                lineStart = false;
            }
        }

        return -1;
    }
}
