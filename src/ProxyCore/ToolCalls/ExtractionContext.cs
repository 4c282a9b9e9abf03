using System.Text;

namespace OpsBot.ProxyCore.ToolCalls;

/// <summary>
/// State of one <see cref="ToolCallExtractor.Extract"/> run: the calls found by the current format and
/// the spans of text they came from, plus a work budget that bounds scanning on adversarial input.
/// </summary>
internal sealed class ExtractionContext
{
    private readonly List<(int Start, int End)> _spans = [];
    private long _budget;

    public ExtractionContext(string text, ToolCatalog tools)
    {
        Text = text;
        Tools = tools;

        // Speculative JSON scans that fail can overlap (nested "[" lines); cap their total cost at a
        // small multiple of the input so huge hostile content stays linear. Real content never gets close.
        _budget = (4L * text.Length) + 65_536;
    }

    public string Text { get; }

    public ToolCatalog Tools { get; }

    public List<ExtractedToolCall> Calls { get; } = [];

    public int SpanCount => _spans.Count;

    public bool BudgetExhausted => _budget <= 0;

    /// <summary>Chars of speculative JSON scanning charged so far: an operation count the linearity tests check.</summary>
    public long JsonWork { get; private set; }

    /// <summary>Charges speculative scanning work; false once the budget is gone.</summary>
    public bool Charge(int work)
    {
        int charged = Math.Max(work, 1);
        JsonWork += charged;
        _budget -= charged;
        return _budget > 0;
    }

    /// <summary>Records the text a recovered call came from. Spans arrive in ascending order.</summary>
    public void AddSpan(int start, int end) => _spans.Add((start, end));

    public ToolCallExtraction ToResult(ToolCallFormat format) => new(RemainingContent(), Calls.ToArray(), format);

    /// <summary>
    /// The prose left after removing the call spans. Text before a call is kept verbatim (vLLM keeps the
    /// preamble including its trailing blank line); text after a call is kept too — unlike vLLM, which
    /// drops it — because models do put explanations there and losing them hides what the model said.
    /// Only the whitespace right after a removed call is dropped: it separated the call from the prose.
    /// Keeping everything before a call untouched is also what lets the streaming scanner forward that
    /// text early and still agree exactly with this result.
    /// </summary>
    private string? RemainingContent()
    {
        var text = Text.AsSpan();
        var builder = new StringBuilder(text.Length);
        int previous = 0;
        bool afterSpan = false;
        foreach (var (start, end) in _spans)
        {
            var segment = text[previous..start];
            builder.Append(afterSpan ? segment.TrimStart() : segment);
            previous = end;
            afterSpan = true;
        }

        var tail = text[previous..];
        builder.Append(afterSpan ? tail.TrimStart() : tail);
        for (int i = 0; i < builder.Length; i++)
        {
            if (!char.IsWhiteSpace(builder[i]))
            {
                return builder.ToString();
            }
        }

        return null;
    }
}
