using System.Buffers;

namespace OpsBot.ProxyCore.ToolCalls.Json;

/// <summary>
/// Strict RFC 8259 validator for one JSON value, written as a resumable state machine so the
/// streaming scanner can feed it growing text without rescanning (one pass over every char).
/// Hand-written instead of <see cref="System.Text.Json.Utf8JsonReader"/> because that reader
/// reports errors by throwing, and the extractor must not pay for (or depend on) exceptions.
/// </summary>
internal struct JsonScanner
{
    /// <summary>
    /// Deeper nesting is treated as invalid. 64 is System.Text.Json's default reader limit, so whatever we
    /// accept (and emit) can be parsed by default-configured readers downstream; real arguments stay far below.
    /// </summary>
    public const int MaxDepth = 64;

    private static readonly SearchValues<char> StringStops = SearchValues.Create(
        "\"\\\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u0009\u000A\u000B\u000C\u000D\u000E\u000F" +
        "\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001A\u001B\u001C\u001D\u001E\u001F");

    private UInt128 _objectLevels;
    private int _depth;
    private int _maxDepth;
    private Phase _phase;
    private NumberPhase _number;
    private byte _literalIndex;
    private byte _unicodeDigits;
    private bool _stringIsKey;
    private string? _literal;

    private enum Phase : byte
    {
        Value,
        ArrayFirst,
        ObjectFirst,
        Key,
        Colon,
        After,
        String,
        Escape,
        Unicode,
        Number,
        Literal,
        Done,
        Failed,
    }

    private enum NumberPhase : byte
    {
        Minus,
        Zero,
        Integer,
        Dot,
        Fraction,
        Exponent,
        ExponentSign,
        ExponentDigits,
    }

    /// <summary>Position after the value (Complete), of the error (Invalid), or where scanning paused (Incomplete).</summary>
    public int Position { get; private set; }

    /// <param name="position">Where the value starts (leading JSON whitespace allowed).</param>
    /// <param name="maxDepth">Nesting allowed; lower it when the value will be embedded in another object.</param>
    public static JsonScanner At(int position, int maxDepth = MaxDepth) => new() { Position = position, _maxDepth = maxDepth };

    /// <summary>Scans a value starting at <paramref name="start"/> (leading JSON whitespace allowed) in final text.</summary>
    public static ScanStatus Scan(ReadOnlySpan<char> text, int start, out int end, int maxDepth = MaxDepth)
    {
        var scanner = At(start, maxDepth);
        var status = scanner.Advance(text, isFinal: true);
        end = scanner.Position;
        return status;
    }

    /// <summary>
    /// Continues scanning. <paramref name="text"/> must be the same text as before, possibly longer.
    /// With <paramref name="isFinal"/> a top-level number that reaches the end of text is complete.
    /// </summary>
    public ScanStatus Advance(ReadOnlySpan<char> text, bool isFinal)
    {
        int i = Position;
        while (true)
        {
            switch (_phase)
            {
                case Phase.Done:
                    return ScanStatus.Complete;

                case Phase.Failed:
                    return ScanStatus.Invalid;

                case Phase.Value:
                {
                    i = JsonText.SkipWhitespace(text, i);
                    if (i >= text.Length)
                    {
                        return Pause(i, isFinal);
                    }

                    char c = text[i];
                    switch (c)
                    {
                        case '{':
                            if (!Push(isObject: true))
                            {
                                return Fail(i);
                            }

                            i++;
                            _phase = Phase.ObjectFirst;
                            break;
                        case '[':
                            if (!Push(isObject: false))
                            {
                                return Fail(i);
                            }

                            i++;
                            _phase = Phase.ArrayFirst;
                            break;
                        case '"':
                            i++;
                            _stringIsKey = false;
                            _phase = Phase.String;
                            break;
                        case '-':
                            i++;
                            _number = NumberPhase.Minus;
                            _phase = Phase.Number;
                            break;
                        case >= '0' and <= '9':
                            i++;
                            _number = c == '0' ? NumberPhase.Zero : NumberPhase.Integer;
                            _phase = Phase.Number;
                            break;
                        case 't':
                        case 'f':
                        case 'n':
                            _literal = c == 't' ? "true" : c == 'f' ? "false" : "null";
                            _literalIndex = 1;
                            i++;
                            _phase = Phase.Literal;
                            break;
                        default:
                            return Fail(i);
                    }

                    break;
                }

                case Phase.ArrayFirst:
                    i = JsonText.SkipWhitespace(text, i);
                    if (i >= text.Length)
                    {
                        return Pause(i, isFinal);
                    }

                    if (text[i] == ']')
                    {
                        i++;
                        _depth--;
                        _phase = Phase.After;
                    }
                    else
                    {
                        _phase = Phase.Value;
                    }

                    break;

                case Phase.ObjectFirst:
                case Phase.Key:
                    i = JsonText.SkipWhitespace(text, i);
                    if (i >= text.Length)
                    {
                        return Pause(i, isFinal);
                    }

                    if (text[i] == '"')
                    {
                        i++;
                        _stringIsKey = true;
                        _phase = Phase.String;
                    }
                    else if (text[i] == '}' && _phase == Phase.ObjectFirst)
                    {
                        i++;
                        _depth--;
                        _phase = Phase.After;
                    }
                    else
                    {
                        return Fail(i);
                    }

                    break;

                case Phase.Colon:
                    i = JsonText.SkipWhitespace(text, i);
                    if (i >= text.Length)
                    {
                        return Pause(i, isFinal);
                    }

                    if (text[i] != ':')
                    {
                        return Fail(i);
                    }

                    i++;
                    _phase = Phase.Value;
                    break;

                case Phase.After:
                {
                    if (_depth == 0)
                    {
                        Position = i;
                        _phase = Phase.Done;
                        return ScanStatus.Complete;
                    }

                    i = JsonText.SkipWhitespace(text, i);
                    if (i >= text.Length)
                    {
                        return Pause(i, isFinal);
                    }

                    char c = text[i];
                    bool inObject = (_objectLevels & (UInt128.One << (_depth - 1))) != UInt128.Zero;
                    if (c == ',')
                    {
                        i++;
                        _phase = inObject ? Phase.Key : Phase.Value;
                    }
                    else if (c == (inObject ? '}' : ']'))
                    {
                        i++;
                        _depth--;
                    }
                    else
                    {
                        return Fail(i);
                    }

                    break;
                }

                case Phase.String:
                {
                    // Plain runs are skipped vectorized; simple escapes are handled inline so escape-dense
                    // strings (code with \n and \") do not pay a trip through the state machine per escape.
                    bool ended = false;
                    while (!ended)
                    {
                        int k = text[i..].IndexOfAny(StringStops);
                        if (k < 0)
                        {
                            return Pause(text.Length, isFinal);
                        }

                        i += k;
                        char c = text[i];
                        if (c == '"')
                        {
                            i++;
                            _phase = _stringIsKey ? Phase.Colon : Phase.After;
                            ended = true;
                        }
                        else if (c != '\\')
                        {
                            return Fail(i);
                        }
                        else if (i + 1 < text.Length && text[i + 1] is '"' or '\\' or '/' or 'b' or 'f' or 'n' or 'r' or 't')
                        {
                            i += 2;
                        }
                        else
                        {
                            i++;
                            _phase = Phase.Escape;
                            ended = true;
                        }
                    }

                    break;
                }

                case Phase.Escape:
                    if (i >= text.Length)
                    {
                        return Pause(i, isFinal);
                    }

                    switch (text[i])
                    {
                        case '"' or '\\' or '/' or 'b' or 'f' or 'n' or 'r' or 't':
                            i++;
                            _phase = Phase.String;
                            break;
                        case 'u':
                            i++;
                            _unicodeDigits = 0;
                            _phase = Phase.Unicode;
                            break;
                        default:
                            return Fail(i);
                    }

                    break;

                case Phase.Unicode:
                    while (_unicodeDigits < 4)
                    {
                        if (i >= text.Length)
                        {
                            return Pause(i, isFinal);
                        }

                        if (!char.IsAsciiHexDigit(text[i]))
                        {
                            return Fail(i);
                        }

                        i++;
                        _unicodeDigits++;
                    }

                    _phase = Phase.String;
                    break;

                case Phase.Number:
                    if (!ScanNumber(text, ref i))
                    {
                        return Fail(i);
                    }

                    if (_phase == Phase.Number)
                    {
                        return Pause(i, isFinal);
                    }

                    break;

                case Phase.Literal:
                {
                    var literal = _literal!;
                    while (_literalIndex < literal.Length)
                    {
                        if (i >= text.Length)
                        {
                            return Pause(i, isFinal);
                        }

                        if (text[i] != literal[_literalIndex])
                        {
                            return Fail(i);
                        }

                        i++;
                        _literalIndex++;
                    }

                    _phase = Phase.After;
                    break;
                }

                default:
                    return Fail(i);
            }
        }
    }

    /// <summary>Consumes number chars; leaves <see cref="_phase"/> as Number when the text ran out.</summary>
    private bool ScanNumber(ReadOnlySpan<char> text, ref int i)
    {
        while (i < text.Length)
        {
            char c = text[i];
            bool digit = char.IsAsciiDigit(c);
            switch (_number)
            {
                case NumberPhase.Minus:
                    if (!digit)
                    {
                        return false;
                    }

                    _number = c == '0' ? NumberPhase.Zero : NumberPhase.Integer;
                    break;
                case NumberPhase.Zero:
                case NumberPhase.Integer:
                    if (digit && _number == NumberPhase.Integer)
                    {
                        break;
                    }

                    if (c == '.')
                    {
                        _number = NumberPhase.Dot;
                        break;
                    }

                    if (c is 'e' or 'E')
                    {
                        _number = NumberPhase.Exponent;
                        break;
                    }

                    _phase = Phase.After;
                    return true;
                case NumberPhase.Dot:
                    if (!digit)
                    {
                        return false;
                    }

                    _number = NumberPhase.Fraction;
                    break;
                case NumberPhase.Fraction:
                    if (digit)
                    {
                        break;
                    }

                    if (c is 'e' or 'E')
                    {
                        _number = NumberPhase.Exponent;
                        break;
                    }

                    _phase = Phase.After;
                    return true;
                case NumberPhase.Exponent:
                    if (c is '+' or '-')
                    {
                        _number = NumberPhase.ExponentSign;
                        break;
                    }

                    if (!digit)
                    {
                        return false;
                    }

                    _number = NumberPhase.ExponentDigits;
                    break;
                case NumberPhase.ExponentSign:
                    if (!digit)
                    {
                        return false;
                    }

                    _number = NumberPhase.ExponentDigits;
                    break;
                case NumberPhase.ExponentDigits:
                    if (digit)
                    {
                        break;
                    }

                    _phase = Phase.After;
                    return true;
            }

            i++;
        }

        return true;
    }

    private ScanStatus Pause(int i, bool isFinal)
    {
        Position = i;
        if (isFinal
            && _depth == 0
            && _phase == Phase.Number
            && _number is NumberPhase.Zero or NumberPhase.Integer or NumberPhase.Fraction or NumberPhase.ExponentDigits)
        {
            _phase = Phase.Done;
            return ScanStatus.Complete;
        }

        return ScanStatus.Incomplete;
    }

    private ScanStatus Fail(int i)
    {
        Position = i;
        _phase = Phase.Failed;
        return ScanStatus.Invalid;
    }

    private bool Push(bool isObject)
    {
        if (_depth >= _maxDepth)
        {
            return false;
        }

        var bit = UInt128.One << _depth;
        _objectLevels = isObject ? _objectLevels | bit : _objectLevels & ~bit;
        _depth++;
        return true;
    }
}
