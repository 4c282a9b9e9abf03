namespace OpsBot.ProxyCore.ToolCalls;

/// <summary>
/// Incremental twin of <see cref="TextBlocks.Next"/> for growing text: records where blocks open and
/// close exactly as the one-shot extractor will pair them, so the streaming scanner considers the same
/// block starts (and ignores markers nested inside a block) without rescanning.
/// </summary>
internal sealed class PairTracker(string open, string close)
{
    private readonly List<int> _openers = [];
    private readonly List<int> _closers = [];
    private int _searchFrom;
    private bool _inBlock;

    public int Count => _openers.Count;

    /// <summary>Consumes any complete markers in <paramref name="text"/> (the whole text so far) not seen yet.</summary>
    public void Update(ReadOnlySpan<char> text)
    {
        while (true)
        {
            var marker = _inBlock ? close : open;
            int k = _searchFrom >= text.Length ? -1 : text[_searchFrom..].IndexOf(marker, StringComparison.Ordinal);
            if (k < 0)
            {
                // A marker may be split across deltas: resume where its first char could still be.
                _searchFrom = Math.Max(_searchFrom, text.Length - marker.Length + 1);
                return;
            }

            int at = _searchFrom + k;
            if (_inBlock)
            {
                _closers[^1] = at;
                _searchFrom = at + close.Length;
            }
            else
            {
                _openers.Add(at);
                _closers.Add(-1);
                _searchFrom = at + open.Length;
            }

            _inBlock = !_inBlock;
        }
    }

    public bool IsOpener(int position) => _openers.BinarySearch(position) >= 0;

    /// <summary>Where the block opened at <paramref name="opener"/> closes; -1 while it is still open.</summary>
    public int CloserOf(int opener)
    {
        int index = _openers.BinarySearch(opener);
        return index < 0 ? -1 : _closers[index];
    }

    /// <summary>Whether the block opened at <paramref name="opener"/> is closed yet, and where.</summary>
    public bool TryGetCloser(int opener, out int close)
    {
        close = CloserOf(opener);
        return close >= 0;
    }
}
