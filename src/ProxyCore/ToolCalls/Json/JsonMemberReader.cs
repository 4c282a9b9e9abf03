namespace OpsBot.ProxyCore.ToolCalls.Json;

/// <summary>Walks the members of a validated JSON object, or the elements of a validated array.</summary>
internal ref struct JsonMemberReader
{
    private readonly ReadOnlySpan<char> _text;
    private int _position;

    /// <param name="container">Exactly one validated object or array value.</param>
    public JsonMemberReader(ReadOnlySpan<char> container)
    {
        _text = container;
        _position = 1;
    }

    /// <summary>Next object member: the raw (still escaped) key without quotes and the value span.</summary>
    public bool NextMember(out ReadOnlySpan<char> rawKey, out ReadOnlySpan<char> value)
    {
        rawKey = default;
        value = default;
        if (!SkipToItem())
        {
            return false;
        }

        int keyEnd = JsonText.StringEnd(_text, _position);
        rawKey = _text[(_position + 1)..(keyEnd - 1)];
        _position = JsonText.SkipWhitespace(_text, keyEnd) + 1;
        return NextValue(out value);
    }

    /// <summary>Next array element.</summary>
    public bool NextElement(out ReadOnlySpan<char> value)
    {
        value = default;
        return SkipToItem() && NextValue(out value);
    }

    private bool SkipToItem()
    {
        _position = JsonText.SkipWhitespace(_text, _position);
        if (_position < _text.Length && _text[_position] == ',')
        {
            _position = JsonText.SkipWhitespace(_text, _position + 1);
        }

        return _position < _text.Length && _text[_position] is not ('}' or ']');
    }

    private bool NextValue(out ReadOnlySpan<char> value)
    {
        int start = JsonText.SkipWhitespace(_text, _position);
        if (JsonScanner.Scan(_text, start, out int end) != ScanStatus.Complete || end > _text.Length)
        {
            value = default;
            _position = _text.Length;
            return false;
        }

        value = _text[start..end];
        _position = end;
        return true;
    }
}
