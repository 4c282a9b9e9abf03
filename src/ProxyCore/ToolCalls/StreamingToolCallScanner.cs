using System.Buffers;
using OpsBot.ProxyCore.ToolCalls.Formats;
using OpsBot.ProxyCore.ToolCalls.Json;
using static OpsBot.ProxyCore.ToolCalls.Formats.ToolCallMarkers;

namespace OpsBot.ProxyCore.ToolCalls;

/// <summary>
/// Streaming front of <see cref="ToolCallExtractor"/>: feed content deltas in order; each
/// <see cref="Feed"/> returns the text that is safe to send to the client now. Text is held back only
/// from a position where a tool call may start (a marker, a partial marker at the end of a delta, a
/// fence, or a <c>{</c>/<c>[</c> the extractor would try) and released as soon as that position can no
/// longer start a call. <see cref="Complete"/> runs the extractor on the whole text and returns the calls
/// plus the rest of the content.
/// </summary>
/// <remarks>
/// Contract: the released text followed by <see cref="StreamingToolCallCompletion.RemainingContent"/> is
/// exactly <c>Extract(content).Content</c> (with null read as ""), and the calls are the same, for any
/// split into deltas. This holds because text is only released when no format can start a call in it,
/// and the extractor keeps all text before a call verbatim. One visible consequence: whitespace at the
/// very start of the content is held until something else arrives, because content that is only
/// whitespace plus a call becomes null.
/// Not thread-safe: one instance per streamed choice.
/// </remarks>
internal sealed class StreamingToolCallScanner
{
    private static readonly SearchValues<char> CandidateChars = SearchValues.Create("<[{`");
    private static readonly string[] AngleMarkers = [ToolCallOpen, ToolsOpen, FunctionOpen, PythonTag];

    private readonly ToolCatalog _tools;
    private readonly PairTracker _toolCallBlocks = new(ToolCallOpen, ToolCallClose);
    private readonly PairTracker _toolsBlocks = new(ToolsOpen, ToolsClose);
    private readonly PairTracker _functionBlocks = new(FunctionOpen, FunctionClose);
    private readonly PairTracker _fences = new(Fence, Fence);
    private ArrayBufferWriter<char> _text = new(256);
    private int _forwarded;
    private int _searchFrom;
    private int _jsonSkipUntil;
    private bool _visible;
    private bool _passThrough;
    private bool _completed;
    private long _jsonWork;
    private HeldCandidate? _held;

    public StreamingToolCallScanner(ToolCatalog tools)
    {
        _tools = tools;

        // Without declared tools the extractor never finds a call, so nothing is worth holding.
        _passThrough = tools.Count == 0;
    }

    /// <summary>Chars received but not yet released.</summary>
    public int HeldLength => _text.WrittenCount - _forwarded;

    /// <summary>Chars of speculative JSON scanning charged so far; bounded by about 4× the content (tests check it).</summary>
    internal long JsonWork => _jsonWork;

    /// <summary>True when <see cref="Complete"/> had to fall back (a scanner bug); tests assert it never happens.</summary>
    internal bool CompletedDegraded { get; private set; }

    /// <summary>Adds the next content delta; returns the text that can be forwarded now (possibly empty).</summary>
    public string Feed(string? delta)
    {
        if (_completed)
        {
            throw new InvalidOperationException("The stream was already completed.");
        }

        if (string.IsNullOrEmpty(delta))
        {
            return string.Empty;
        }

        if (_passThrough)
        {
            return delta;
        }

        int before = _forwarded;
        _text.Write(delta);
        if (_text.WrittenCount > ToolCallExtractor.MaxContentLength)
        {
            // The extractor refuses content this large, so no call can come of it: release everything
            // and stop buffering.
            _passThrough = true;
            _held = null;
            var rest = new string(Text[before..]);
            _text = new ArrayBufferWriter<char>(1);
            _forwarded = 0;
            return rest;
        }

        _toolCallBlocks.Update(Text);
        _toolsBlocks.Update(Text);
        _functionBlocks.Update(Text);
        _fences.Update(Text);
        Advance();

        if (_forwarded == before)
        {
            return string.Empty;
        }

        return before == _text.WrittenCount - delta.Length && _forwarded == _text.WrittenCount
            ? delta
            : new string(Text[before.._forwarded]);
    }

    /// <summary>Ends the stream: extracts calls from everything received and returns what is left to emit.</summary>
    public StreamingToolCallCompletion Complete()
    {
        if (_completed)
        {
            throw new InvalidOperationException("The stream was already completed.");
        }

        _completed = true;
        if (_passThrough)
        {
            // No declared tools, or more content than the extractor accepts: everything went out already.
            return new StreamingToolCallCompletion(string.Empty, [], null);
        }

        // Without a call the extraction's content is the content itself, so one path serves both cases.
        var content = new string(Text);
        var extraction = ToolCallExtractor.Extract(content, _tools);
        var remaining = extraction.Content ?? string.Empty;
        if (remaining.AsSpan().StartsWith(Text[.._forwarded]))
        {
            return new StreamingToolCallCompletion(remaining[_forwarded..], extraction.Calls, extraction.Format);
        }

        // Released text that the extractor did not keep verbatim would be a scanner bug (the property
        // tests look for it). Degrade to extracting from the held part alone rather than repeating text.
        CompletedDegraded = true;
        var held = ToolCallExtractor.Extract(content[_forwarded..], _tools);
        return new StreamingToolCallCompletion(held.Content ?? string.Empty, held.Calls, held.Format);
    }

    private ReadOnlySpan<char> Text => _text.WrittenSpan;

    /// <summary>Releases text up to the first position that may still start a call.</summary>
    private void Advance()
    {
        while (true)
        {
            if (_held is { } held)
            {
                if (IsAlive(held))
                {
                    return;
                }

                // Dead: the search resumes just after it, below.
                _held = null;
                _searchFrom = held.Start + 1;
            }

            int next = FindCandidate(out var kinds);
            if (next < 0)
            {
                Release(Text.Length);
                _searchFrom = Text.Length;
                return;
            }

            Release(next);
            _searchFrom = next;
            if (kinds == CandidateKinds.None)
            {
                // A partial marker at the end of the text: wait for the next delta.
                return;
            }

            _held = new HeldCandidate(next, kinds)
            {
                Json = JsonScanner.At(next),
            };
        }
    }

    /// <remarks>
    /// <paramref name="end"/> is never before <see cref="_forwarded"/>: it is the end of the text or a candidate found
    /// at or after <see cref="_searchFrom"/>, which only moves forward and is set to (or past) every end released.
    /// </remarks>
    private void Release(int end)
    {
        if (!_visible)
        {
            // Hold leading whitespace until something visible follows (see the remarks above).
            var pending = Text[_forwarded..end];
            if (pending.IsWhiteSpace())
            {
                return;
            }

            _visible = true;
        }

        _forwarded = end;
    }

    /// <summary>
    /// The first position at or after <see cref="_searchFrom"/> where a call may start. Returns it with
    /// the formats it may start, or with <see cref="CandidateKinds.None"/> when the text ends in a partial
    /// marker there; -1 when there is none.
    /// </summary>
    private int FindCandidate(out CandidateKinds kinds)
    {
        var text = Text;
        int i = _searchFrom;
        while (true)
        {
            // At the end of the text the slice is empty and the search stops here.
            int k = text[i..].IndexOfAny(CandidateChars);
            if (k < 0)
            {
                break;
            }

            i += k;
            kinds = ClassifyAt(text, i, out bool partial);
            if (partial)
            {
                // The text ends inside a marker: decide once it is complete, whatever else may start here.
                kinds = CandidateKinds.None;
                return i;
            }

            if (kinds != CandidateKinds.None)
            {
                return i;
            }

            i++;
        }

        kinds = CandidateKinds.None;
        return -1;
    }

    /// <remarks>
    /// The rest of the text is a partial marker when the marker starts with it; a rest as long as the marker
    /// that the marker starts with is the marker itself, matched first. No two markers match at one position.
    /// </remarks>
    private CandidateKinds ClassifyAt(ReadOnlySpan<char> text, int at, out bool partial)
    {
        partial = false;
        var rest = text[at..];
        var kinds = CandidateKinds.None;
        switch (text[at])
        {
            case '<':
                foreach (var marker in AngleMarkers)
                {
                    if (rest.StartsWith(marker, StringComparison.Ordinal))
                    {
                        kinds = marker switch
                        {
                            ToolCallOpen => _toolCallBlocks.IsOpener(at) ? CandidateKinds.ToolCallBlock : CandidateKinds.None,
                            ToolsOpen => _toolsBlocks.IsOpener(at) ? CandidateKinds.ToolsBlock : CandidateKinds.None,
                            FunctionOpen => _functionBlocks.IsOpener(at) ? CandidateKinds.BareFunction : CandidateKinds.None,
                            _ => CandidateKinds.PythonTag,
                        };
                    }
                    else if (marker.AsSpan().StartsWith(rest))
                    {
                        partial = true;
                    }
                }

                break;

            case '`':
                if (rest.StartsWith(Fence, StringComparison.Ordinal))
                {
                    kinds = _fences.IsOpener(at) ? CandidateKinds.Fence : CandidateKinds.None;
                }
                else
                {
                    partial = Fence.AsSpan().StartsWith(rest);
                }

                break;

            case '[':
                if (rest.StartsWith(MistralToolCalls, StringComparison.Ordinal))
                {
                    kinds = CandidateKinds.Mistral;
                }
                else
                {
                    partial = MistralToolCalls.AsSpan().StartsWith(rest);
                }

                return kinds | JsonCandidate(text, at);

            case '{':
                kinds = JsonCandidate(text, at);
                break;
        }

        return kinds;
    }

    private CandidateKinds JsonCandidate(ReadOnlySpan<char> text, int at)
        => at >= _jsonSkipUntil && EmbeddedJsonFormat.IsCandidate(text, at, isFinal: false) != MatchResult.NoMatch
            ? CandidateKinds.Json
            : CandidateKinds.None;

    /// <summary>Re-decides a held position with the text received so far; false once no format can start there.</summary>
    private bool IsAlive(HeldCandidate held)
    {
        var text = Text;
        if (held.Confirmed != CandidateKinds.None)
        {
            // A confirmed bare function dies when a <tool_call> appears anywhere: the extractor then reads
            // only <tool_call> blocks, and a "<function=" can start nothing else. Every other confirmed call is final.
            return held.Confirmed != CandidateKinds.BareFunction || _toolCallBlocks.Count == 0;
        }

        for (var kind = CandidateKinds.ToolCallBlock; kind <= CandidateKinds.Json; kind = (CandidateKinds)((int)kind << 1))
        {
            if ((held.Open & kind) == 0)
            {
                continue;
            }

            var result = kind switch
            {
                CandidateKinds.ToolCallBlock => EvaluateToolCallBlock(text, held),
                CandidateKinds.ToolsBlock => EvaluateToolsBlock(text, held),
                CandidateKinds.BareFunction => EvaluateBareFunction(text, held),
                CandidateKinds.PythonTag => EvaluatePythonTag(text, held),
                CandidateKinds.Mistral => EvaluateMistral(text, held),
                CandidateKinds.Fence => FencedJsonFormat.Evaluate(text, held.Start, _fences.CloserOf(held.Start), isFinal: false, _tools, null),
                _ => EvaluateJson(text, held),
            };

            if (result == MatchResult.Match)
            {
                held.Confirmed = kind;
                return true;
            }

            if (result == MatchResult.NoMatch)
            {
                held.Open &= ~kind;
            }
        }

        return held.Open != CandidateKinds.None;
    }

    private MatchResult EvaluateToolCallBlock(ReadOnlySpan<char> text, HeldCandidate held)
    {
        if (!_toolCallBlocks.TryGetCloser(held.Start, out int close))
        {
            return MatchResult.NeedMore;
        }

        // A closed block is a call if either the XML stage or the Hermes stage would take it.
        var inner = text[(held.Start + ToolCallOpen.Length)..close];
        return QwenXmlFormat.TryParseBlock(inner, _tools, null) || JsonCallReader.TryReadSequence(inner, _tools, null)
            ? MatchResult.Match
            : MatchResult.NoMatch;
    }

    private MatchResult EvaluateToolsBlock(ReadOnlySpan<char> text, HeldCandidate held)
    {
        int innerStart = held.Start + ToolsOpen.Length;
        if (!_toolsBlocks.TryGetCloser(held.Start, out int close))
        {
            return TaggedJsonFormat.CanStillBeJson(text[innerStart..]);
        }

        return JsonCallReader.TryReadSequence(text[innerStart..close], _tools, null) ? MatchResult.Match : MatchResult.NoMatch;
    }

    private MatchResult EvaluateBareFunction(ReadOnlySpan<char> text, HeldCandidate held)
    {
        if (_toolCallBlocks.Count > 0)
        {
            return MatchResult.NoMatch;
        }

        int bodyStart = held.Start + FunctionOpen.Length;
        if (_functionBlocks.TryGetCloser(held.Start, out int close))
        {
            return QwenXmlFormat.TryParseFunction(text[bodyStart..close], _tools, null) ? MatchResult.Match : MatchResult.NoMatch;
        }

        // Unclosed: the name is decidable as soon as its ">" arrives; the search resumes where it stopped
        // (never past the end: the marker is complete, and the end only grows).
        if (!held.FunctionNameChecked)
        {
            int from = Math.Max(bodyStart, held.FunctionNameSearchFrom);
            int gt = text[from..].IndexOf('>');
            if (gt < 0)
            {
                held.FunctionNameSearchFrom = text.Length;
                return MatchResult.NeedMore;
            }

            held.FunctionNameChecked = true;
            var name = text[bodyStart..(from + gt)].Trim();
            if (name.IsEmpty || !_tools.Contains(new string(name)))
            {
                return MatchResult.NoMatch;
            }
        }

        return MatchResult.NeedMore;
    }

    private MatchResult EvaluatePythonTag(ReadOnlySpan<char> text, HeldCandidate held)
    {
        if (held.MarkerJsonStart == -1)
        {
            var first = PythonTagFormat.FindFirstCall(text, held.Start, isFinal: false, out int start);
            if (first != MatchResult.Match)
            {
                return first;
            }

            held.MarkerJsonStart = start;
            held.MarkerJson = JsonScanner.At(start);
        }

        return EvaluateMarkerJson(text, held, name: null);
    }

    private MatchResult EvaluateMistral(ReadOnlySpan<char> text, HeldCandidate held)
    {
        if (held.MarkerJsonStart == -1)
        {
            var header = MistralFormat.ParseHeader(text, held.Start, isFinal: false, out int jsonStart, out var name);
            if (header != MatchResult.Match)
            {
                return header;
            }

            held.MarkerJsonStart = jsonStart;
            held.MistralName = name;
            held.MarkerJson = JsonScanner.At(jsonStart);
        }

        return EvaluateMarkerJson(text, held, held.MistralName);
    }

    /// <param name="name">The v11 Mistral tool name; null when the JSON holds whole calls (python tag, older Mistral).</param>
    private MatchResult EvaluateMarkerJson(ReadOnlySpan<char> text, HeldCandidate held, string? name)
        => AdvanceJson(ref held.MarkerJson, text) switch
        {
            ScanStatus.Incomplete => MatchResult.NeedMore,
            ScanStatus.Complete when MistralFormat.TryRead(text[held.MarkerJsonStart..held.MarkerJson.Position], name, _tools, null) => MatchResult.Match,
            _ => MatchResult.NoMatch,
        };

    private MatchResult EvaluateJson(ReadOnlySpan<char> text, HeldCandidate held)
    {
        var candidate = EmbeddedJsonFormat.IsCandidate(text, held.Start, isFinal: false);
        if (candidate != MatchResult.Match)
        {
            return candidate;
        }

        switch (AdvanceJson(ref held.Json, text))
        {
            case ScanStatus.Incomplete:
                return MatchResult.NeedMore;
            case ScanStatus.Invalid:
                // Unlike a complete value, an invalid one is not skipped: the extractor tries the candidates inside.
                return MatchResult.NoMatch;
        }

        int end = held.Json.Position;
        if (JsonCallReader.TryReadCalls(text[held.Start..end], _tools, null))
        {
            return MatchResult.Match;
        }

        // A complete JSON value that is not a call is skipped whole by the extractor: nothing inside it
        // is a JSON candidate there, so none is here.
        _jsonSkipUntil = Math.Max(_jsonSkipUntil, end);
        return MatchResult.NoMatch;
    }

    /// <summary>
    /// Advances a resumable JSON scan and charges the chars it covered. Overlapping speculative scans
    /// (nested "[" lines) are capped like the extractor's budget; past the cap a candidate simply stays
    /// <see cref="ScanStatus.Incomplete"/> (held), which is always safe, just less eager.
    /// </summary>
    /// <remarks>Every scan here starts at a <c>{</c> or <c>[</c>, so the final-text rule for a top-level number never applies.</remarks>
    private ScanStatus AdvanceJson(ref JsonScanner scanner, ReadOnlySpan<char> text)
    {
        if (_jsonWork > (4L * text.Length) + 65_536)
        {
            return ScanStatus.Incomplete;
        }

        int before = scanner.Position;
        var status = scanner.Advance(text, isFinal: false);
        _jsonWork += Math.Max(scanner.Position - before, 1);
        return status;
    }
}
