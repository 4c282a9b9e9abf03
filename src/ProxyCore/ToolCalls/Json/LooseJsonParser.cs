using System.Globalization;
using System.Text;
using System.Text.Json;

namespace OpsBot.ProxyCore.ToolCalls.Json;

/// <summary>
/// Parses JSON-like text that strict JSON rejects — Python literals (<c>{'a': True}</c>, what vLLM's
/// <c>ast.literal_eval</c> fallback accepts) and, in <see cref="LooseJsonMode.Repair"/> mode, truncated or
/// damaged objects — and writes the equivalent strict JSON. Recursive descent bounded by
/// <see cref="JsonScanner.MaxDepth"/>. Not on the hot path: only used after strict JSON failed.
/// </summary>
internal ref struct LooseJsonParser
{
    private readonly ReadOnlySpan<char> _text;
    private readonly LooseJsonMode _mode;
    private readonly Utf8JsonWriter? _writer;
    private readonly StringBuilder _scratch;
    private int _position;
    private bool _stopped;

    private LooseJsonParser(ReadOnlySpan<char> text, int start, LooseJsonMode mode, Utf8JsonWriter? writer)
    {
        _text = text;
        _mode = mode;
        _writer = writer;
        _scratch = new StringBuilder();
        _position = start;
        _stopped = false;
    }

    private readonly bool Repairing => (_mode & LooseJsonMode.Repair) != 0;

    private readonly bool PythonSyntax => (_mode & LooseJsonMode.Python) != 0;

    /// <summary>
    /// <c>ast.literal_eval</c>-like conversion of a whole text (surrounding whitespace allowed). Validates
    /// first and writes only on success, so a failure leaves <paramref name="writer"/> untouched.
    /// </summary>
    /// <param name="nestingDepth">How deep the value will sit in the output, so the total stays within the limit.</param>
    public static bool TryWritePythonLiteral(ReadOnlySpan<char> text, Utf8JsonWriter writer, int nestingDepth)
    {
        if (!ParsesCompletely(text, null, nestingDepth))
        {
            return false;
        }

        return ParsesCompletely(text, writer, nestingDepth);
    }

    /// <summary>
    /// Repairs text starting with <c>{</c> into a JSON object: everything from the first char that does
    /// not fit is dropped and open containers are closed. Trailing text after the object is ignored.
    /// </summary>
    public static void WriteRepairedObject(ReadOnlySpan<char> text, int start, Utf8JsonWriter writer)
    {
        var parser = new LooseJsonParser(text, start, LooseJsonMode.Everything, writer);
        parser.ParseObject(0);
    }

    private static bool ParsesCompletely(ReadOnlySpan<char> text, Utf8JsonWriter? writer, int nestingDepth)
    {
        if (!HasPythonCompatibleLayout(text))
        {
            return false;
        }

        var parser = new LooseJsonParser(text, 0, LooseJsonMode.PythonLiteralEval, writer);
        if (!parser.ParseValue(nestingDepth))
        {
            return false;
        }

        parser.SkipWhitespace();
        return parser._position == text.Length;
    }

    /// <summary>
    /// Python's tokenizer quirks that make literal_eval fail on otherwise fine text: leading spaces/tabs
    /// are stripped and blank lines skipped, but the first real line after a line break must not be
    /// indented (<c>"\n 7"</c> fails, <c>"\n7"</c> is 7), and a last line of only blanks without a final
    /// line break is an "unexpected indent" too (<c>"7\n "</c> fails, <c>"7\n \n"</c> is 7).
    /// </summary>
    private static bool HasPythonCompatibleLayout(ReadOnlySpan<char> text)
    {
        int lastBreak = text.LastIndexOfAny('\n', '\r');
        if (lastBreak >= 0)
        {
            var lastLine = text[(lastBreak + 1)..];
            if (!lastLine.IsEmpty && lastLine.IndexOfAnyExcept(' ', '\t') < 0)
            {
                return false;
            }
        }

        int i = 0;
        while (i < text.Length && text[i] is ' ' or '\t')
        {
            i++;
        }

        bool afterLineBreak = false;
        while (true)
        {
            int j = i;
            while (j < text.Length && text[j] is ' ' or '\t' or '\f' or '\r')
            {
                j++;
            }

            if (j < text.Length && text[j] == '\n')
            {
                i = j + 1;
                afterLineBreak = true;
                continue;
            }

            return !afterLineBreak || i >= text.Length || text[i] is not (' ' or '\t');
        }
    }

    private void SkipWhitespace()
    {
        if (Repairing)
        {
            while (_position < _text.Length && char.IsWhiteSpace(_text[_position]))
            {
                _position++;
            }

            return;
        }

        // Python's tokenizer: only these are blanks, and "#" starts a comment to the end of the line.
        while (_position < _text.Length)
        {
            char c = _text[_position];
            if (c is ' ' or '\t' or '\f' or '\r' or '\n')
            {
                _position++;
            }
            else if (c == '#' && PythonSyntax)
            {
                int lineEnd = _text[_position..].IndexOf('\n');
                _position = lineEnd < 0 ? _text.Length : _position + lineEnd;
            }
            else
            {
                break;
            }
        }
    }

    private bool AtEnd => _position >= _text.Length;

    /// <summary>Stops the repair here; callers unwind and close their containers.</summary>
    private bool Stop()
    {
        _stopped = true;
        return false;
    }

    /// <summary>Parses one value; false when no value was produced (strict failure, or repair stop before any output).</summary>
    private bool ParseValue(int depth)
    {
        SkipWhitespace();
        if (AtEnd)
        {
            return Repairing && Stop();
        }

        char c = _text[_position];
        if (c == '{')
        {
            return ParseObject(depth);
        }

        if (c == '[' || (c == '(' && PythonSyntax))
        {
            return ParseArray(depth, c == '[' ? ']' : ')');
        }

        if (!TryParseScalar(out var scalar))
        {
            return false;
        }

        WriteScalar(scalar);
        return true;
    }

    private bool ParseObject(int depth)
    {
        if (depth >= JsonScanner.MaxDepth)
        {
            return Repairing && Stop();
        }

        _position++;
        _writer?.WriteStartObject();
        while (true)
        {
            SkipWhitespace();
            if (AtEnd)
            {
                return CloseOrFail(isObject: true);
            }

            if (_text[_position] == '}')
            {
                _position++;
                _writer?.WriteEndObject();
                return true;
            }

            if (!TryParseKey(out var key))
            {
                return CloseOrFail(isObject: true);
            }

            SkipWhitespace();
            if (AtEnd || _text[_position] != ':')
            {
                return CloseOrFail(isObject: true);
            }

            _position++;
            SkipWhitespace();
            if (AtEnd)
            {
                return CloseOrFail(isObject: true);
            }

            char c = _text[_position];
            if (c == '{' || c == '[' || (c == '(' && PythonSyntax))
            {
                if (depth + 1 >= JsonScanner.MaxDepth)
                {
                    Stop();
                    return CloseOrFail(isObject: true);
                }

                // Below the depth limit containers always produce a value in repair mode, so the name can go first.
                WriteName(key);
                bool ok = c == '{' ? ParseObject(depth + 1) : ParseArray(depth + 1, c == '[' ? ']' : ')');
                if (!ok)
                {
                    return false;
                }
            }
            else
            {
                // Scalars are parsed before the name is written so a damaged value drops the whole member.
                if (!TryParseScalar(out var scalar))
                {
                    return CloseOrFail(isObject: true);
                }

                WriteName(key);
                WriteScalar(scalar);
            }

            if (_stopped)
            {
                _writer?.WriteEndObject();
                return true;
            }

            SkipWhitespace();
            if (AtEnd)
            {
                return CloseOrFail(isObject: true);
            }

            c = _text[_position];
            if (c == ',')
            {
                _position++;
            }
            else if (c == '}')
            {
                _position++;
                _writer?.WriteEndObject();
                return true;
            }
            else if (!(Repairing && c is '"' or '\''))
            {
                // In repair mode a missing comma before the next quoted key is forgiven.
                return CloseOrFail(isObject: true);
            }
        }
    }

    private bool ParseArray(int depth, char closer)
    {
        if (depth >= JsonScanner.MaxDepth)
        {
            return Repairing && Stop();
        }

        _position++;
        _writer?.WriteStartArray();
        while (true)
        {
            SkipWhitespace();
            if (AtEnd)
            {
                return CloseOrFail(isObject: false);
            }

            if (_text[_position] == closer)
            {
                _position++;
                _writer?.WriteEndArray();
                return true;
            }

            if (!ParseValue(depth + 1))
            {
                return CloseOrFail(isObject: false);
            }

            if (_stopped)
            {
                _writer?.WriteEndArray();
                return true;
            }

            SkipWhitespace();
            if (AtEnd)
            {
                return CloseOrFail(isObject: false);
            }

            char c = _text[_position];
            if (c == ',')
            {
                _position++;
            }
            else if (c == closer)
            {
                _position++;
                _writer?.WriteEndArray();
                return true;
            }
            else
            {
                return CloseOrFail(isObject: false);
            }
        }
    }

    /// <summary>In repair mode closes the container and stops; otherwise reports failure.</summary>
    private bool CloseOrFail(bool isObject)
    {
        if (!Repairing)
        {
            return false;
        }

        _stopped = true;
        if (isObject)
        {
            _writer?.WriteEndObject();
        }
        else
        {
            _writer?.WriteEndArray();
        }

        return true;
    }

    private bool TryParseKey(out string key)
    {
        key = string.Empty;
        char c = _text[_position];
        if (c == '"' || (c == '\'' && (PythonSyntax || Repairing)))
        {
            if (!TryParseString(c, out key, out bool truncated) || truncated)
            {
                // A key cut off by truncation has no value: drop it.
                return false;
            }

            return true;
        }

        if (Repairing && (char.IsAsciiLetter(c) || c is '_' or '$'))
        {
            int start = _position;
            while (_position < _text.Length && (char.IsAsciiLetterOrDigit(_text[_position]) || _text[_position] is '_' or '$' or '-'))
            {
                _position++;
            }

            key = new string(_text[start.._position]);
            return true;
        }

        if (PythonSyntax && (char.IsAsciiDigit(c) || c is '-' or '+' or '.'))
        {
            // json.dumps turns numeric dict keys into their text.
            if (!TryParseNumber(out var number, out _))
            {
                return false;
            }

            key = number;
            return true;
        }

        return false;
    }

    private bool TryParseScalar(out Scalar scalar)
    {
        scalar = default;
        char c = _text[_position];
        if (c == '"' || (c == '\'' && (PythonSyntax || Repairing)))
        {
            if (!TryParseString(c, out var text, out bool truncated))
            {
                return false;
            }

            if (truncated)
            {
                _stopped = true;
            }

            scalar = new Scalar(ScalarKind.String, text);
            return true;
        }

        if (char.IsAsciiDigit(c) || c is '-' or '+' or '.')
        {
            if (!TryParseNumber(out var number, out bool isInteger))
            {
                return Repairing && Stop();
            }

            scalar = new Scalar(isInteger ? ScalarKind.Integer : ScalarKind.Float, number);
            return true;
        }

        if (char.IsAsciiLetter(c) || c == '_')
        {
            return TryParseLiteral(out scalar);
        }

        return Repairing && Stop();
    }

    private bool TryParseLiteral(out Scalar scalar)
    {
        scalar = default;
        int start = _position;
        while (_position < _text.Length && (char.IsAsciiLetterOrDigit(_text[_position]) || _text[_position] == '_'))
        {
            _position++;
        }

        var word = _text[start.._position];
        bool python = PythonSyntax;
        bool json = (_mode & LooseJsonMode.JsonLiterals) != 0;
        if ((python && word.SequenceEqual("True")) || (json && word.SequenceEqual("true")))
        {
            scalar = new Scalar(ScalarKind.True, null);
            return true;
        }

        if ((python && word.SequenceEqual("False")) || (json && word.SequenceEqual("false")))
        {
            scalar = new Scalar(ScalarKind.False, null);
            return true;
        }

        if ((python && word.SequenceEqual("None")) || (json && word.SequenceEqual("null")))
        {
            scalar = new Scalar(ScalarKind.Null, null);
            return true;
        }

        if (Repairing && AtEnd && word.Length > 0)
        {
            // Truncated literal at the very end ("tr", "Fal"): complete it.
            foreach (var (literal, kind) in CompletableLiterals)
            {
                if (literal.AsSpan().StartsWith(word))
                {
                    scalar = new Scalar(kind, null);
                    _stopped = true;
                    return true;
                }
            }
        }

        _position = start;
        return Repairing && Stop();
    }

    private static readonly (string Literal, ScalarKind Kind)[] CompletableLiterals =
    [
        ("true", ScalarKind.True), ("false", ScalarKind.False), ("null", ScalarKind.Null),
        ("True", ScalarKind.True), ("False", ScalarKind.False), ("None", ScalarKind.Null),
    ];

    /// <summary>Python/JSON number: sign, digits with underscores, fraction, exponent. Returns normalized text.</summary>
    private bool TryParseNumber(out string number, out bool isInteger)
    {
        number = string.Empty;
        isInteger = true;
        int start = _position;
        var sb = _scratch.Clear();
        if (_text[_position] is '+' or '-')
        {
            if (_text[_position] == '-')
            {
                sb.Append('-');
            }

            _position++;
        }

        int digits = 0;
        while (_position < _text.Length)
        {
            char c = _text[_position];
            if (char.IsAsciiDigit(c))
            {
                sb.Append(c);
                digits++;
            }
            else if (c == '.' && isInteger)
            {
                sb.Append('.');
                isInteger = false;
            }
            else if (c is 'e' or 'E' && digits > 0 && sb[^1] != 'e')
            {
                sb.Append('e');
                isInteger = false;
                if (_position + 1 < _text.Length && _text[_position + 1] is '+' or '-')
                {
                    _position++;
                    sb.Append(_text[_position]);
                }
            }
            else if (c != '_' || !PythonSyntax)
            {
                break;
            }

            _position++;
        }

        if (Repairing && _position >= _text.Length)
        {
            // A number cut off at "1." / "1e" / "1e-": keep the part that is a number.
            while (sb.Length > 0 && sb[^1] is '.' or 'e' or '+' or '-')
            {
                sb.Length--;
            }

            _stopped = true;
        }

        if (digits == 0 || sb.Length == 0 || sb[^1] is 'e' or '+' or '-')
        {
            _position = start;
            return false;
        }

        if (isInteger)
        {
            number = NormalizeInteger(sb);
            return true;
        }

        if (!double.TryParse(sb.ToString(), NumberStyles.Float, CultureInfo.InvariantCulture, out double value)
            || !double.IsFinite(value))
        {
            _position = start;
            return false;
        }

        number = value.ToString("R", CultureInfo.InvariantCulture);
        return true;
    }

    private static string NormalizeInteger(StringBuilder sb)
    {
        bool negative = sb.Length > 0 && sb[0] == '-';
        int first = negative ? 1 : 0;
        while (first < sb.Length - 1 && sb[first] == '0')
        {
            first++;
        }

        var digits = sb.ToString(first, sb.Length - first);
        return negative && digits != "0" ? "-" + digits : digits;
    }

    /// <summary>Quoted string with Python/JSON escapes. In repair mode an unterminated string is closed.</summary>
    private bool TryParseString(char quote, out string value, out bool truncated)
    {
        truncated = false;
        value = string.Empty;
        int start = _position;
        _position++;
        var sb = _scratch.Clear();
        while (true)
        {
            if (AtEnd)
            {
                if (!Repairing)
                {
                    _position = start;
                    return false;
                }

                truncated = true;
                break;
            }

            char c = _text[_position];
            if (c == quote)
            {
                _position++;
                break;
            }

            if (c is '\n' or '\r' && !Repairing)
            {
                // literal_eval rejects a raw line break inside a one-line string.
                _position = start;
                return false;
            }

            if (c != '\\')
            {
                // Copy the plain run up to the next quote, backslash or (strict) line break in one go.
                var rest = _text[_position..];
                int run = Repairing ? rest.IndexOfAny(quote, '\\') : rest.IndexOfAny(quote, '\\', '\n');
                if (!Repairing)
                {
                    int cr = rest.IndexOf('\r');
                    run = cr >= 0 && (run < 0 || cr < run) ? cr : run;
                }

                int take = run < 0 ? rest.Length : run;
                sb.Append(rest[..take]);
                _position += take;
                continue;
            }

            if (_position + 1 >= _text.Length)
            {
                // Dangling backslash at a truncation point.
                _position = _text.Length;
                continue;
            }

            char e = _text[_position + 1];
            _position += 2;
            switch (e)
            {
                case 'n': sb.Append('\n'); break;
                case 't': sb.Append('\t'); break;
                case 'r': sb.Append('\r'); break;
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                case 'v': sb.Append('\v'); break;
                case 'a': sb.Append('\a'); break;
                case '\\' or '\'' or '"' or '/': sb.Append(e); break;
                case '\n': break;
                case 'x': AppendHex(sb, 2); break;
                case 'u': AppendHex(sb, 4); break;
                case 'U': AppendHex(sb, 8); break;
                case >= '0' and <= '7':
                {
                    int code = e - '0';
                    for (int k = 0; k < 2 && _position < _text.Length && _text[_position] is >= '0' and <= '7'; k++)
                    {
                        code = (code * 8) + (_text[_position++] - '0');
                    }

                    sb.Append((char)code);
                    break;
                }

                default:
                    // Python keeps unknown escapes verbatim.
                    sb.Append('\\').Append(e);
                    break;
            }
        }

        value = sb.ToString();
        return true;
    }

    private void AppendHex(StringBuilder sb, int length)
    {
        if (_position + length <= _text.Length
            && int.TryParse(_text.Slice(_position, length), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int code)
            && code is >= 0 and <= 0x10FFFF)
        {
            _position += length;
            if (code <= 0xFFFF)
            {
                sb.Append((char)code);
            }
            else
            {
                sb.Append(char.ConvertFromUtf32(code is >= 0xD800 and <= 0xDFFF ? 0xFFFD : code));
            }

            return;
        }

        if (Repairing && _position + length > _text.Length)
        {
            // Escape cut off by truncation: drop it like the rest of the cut-off text.
            _position = _text.Length;
            return;
        }

        // Malformed escape: keep going with a replacement char.
        sb.Append('\uFFFD');
        _position = Math.Min(_position + length, _text.Length);
    }

    private readonly void WriteName(string key)
    {
        if (_writer is not null)
        {
            JsonValueWriter.WritePropertyName(_writer, key);
        }
    }

    private readonly void WriteScalar(in Scalar scalar)
    {
        if (_writer is null)
        {
            return;
        }

        switch (scalar.Kind)
        {
            case ScalarKind.String:
                JsonValueWriter.WriteStringValue(_writer, scalar.Text);
                break;
            case ScalarKind.Integer:
            case ScalarKind.Float:
                _writer.WriteRawValue(scalar.Text!, skipInputValidation: true);
                break;
            case ScalarKind.True:
                _writer.WriteBooleanValue(true);
                break;
            case ScalarKind.False:
                _writer.WriteBooleanValue(false);
                break;
            default:
                _writer.WriteNullValue();
                break;
        }
    }

    private enum ScalarKind : byte
    {
        String,
        Integer,
        Float,
        True,
        False,
        Null,
    }

    private readonly record struct Scalar(ScalarKind Kind, string? Text);
}
