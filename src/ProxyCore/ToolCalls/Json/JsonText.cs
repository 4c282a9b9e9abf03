using System.Globalization;

namespace OpsBot.ProxyCore.ToolCalls.Json;

/// <summary>Small allocation-free helpers over JSON text held in UTF-16 spans.</summary>
internal static class JsonText
{
    public static bool IsWhitespace(char c) => c is ' ' or '\t' or '\n' or '\r';

    public static int SkipWhitespace(ReadOnlySpan<char> text, int i)
    {
        while (i < text.Length && IsWhitespace(text[i]))
        {
            i++;
        }

        return i;
    }

    public static bool IsWhitespaceOnly(ReadOnlySpan<char> text)
    {
        foreach (char c in text)
        {
            if (!IsWhitespace(c))
            {
                return false;
            }
        }

        return true;
    }

    public static ReadOnlySpan<char> Trim(ReadOnlySpan<char> text)
    {
        int start = 0;
        int end = text.Length;
        while (start < end && IsWhitespace(text[start]))
        {
            start++;
        }

        while (end > start && IsWhitespace(text[end - 1]))
        {
            end--;
        }

        return text[start..end];
    }

    /// <summary>
    /// Index just past the closing quote of the validated string starting at <paramref name="quote"/>.
    /// Only meaningful for text <see cref="JsonScanner"/> accepted.
    /// </summary>
    public static int StringEnd(ReadOnlySpan<char> text, int quote)
    {
        int i = quote + 1;
        while (i < text.Length)
        {
            int k = text[i..].IndexOfAny('"', '\\');
            if (k < 0)
            {
                return text.Length;
            }

            i += k;
            if (text[i] == '"')
            {
                return i + 1;
            }

            i += 2;
        }

        return text.Length;
    }

    /// <summary>
    /// Unescapes the inside of a validated JSON string into <paramref name="destination"/> (which must be
    /// at least as long as <paramref name="raw"/>; unescaping never grows text) and replaces lone surrogates
    /// so the result is always writable by <see cref="System.Text.Json.Utf8JsonWriter"/>.
    /// </summary>
    public static int Unescape(ReadOnlySpan<char> raw, Span<char> destination)
    {
        int written = 0;
        int i = 0;
        while (i < raw.Length)
        {
            int k = raw[i..].IndexOf('\\');
            if (k < 0)
            {
                raw[i..].CopyTo(destination[written..]);
                written += raw.Length - i;
                break;
            }

            raw.Slice(i, k).CopyTo(destination[written..]);
            written += k;
            i += k;
            if (i + 1 >= raw.Length)
            {
                break;
            }

            char e = raw[i + 1];
            i += 2;
            char decoded;
            switch (e)
            {
                case 'b': decoded = '\b'; break;
                case 'f': decoded = '\f'; break;
                case 'n': decoded = '\n'; break;
                case 'r': decoded = '\r'; break;
                case 't': decoded = '\t'; break;
                case 'u':
                    if (i + 4 <= raw.Length
                        && ushort.TryParse(raw.Slice(i, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
                    {
                        decoded = (char)code;
                        i += 4;
                    }
                    else
                    {
                        decoded = '\uFFFD';
                        i = Math.Min(i + 4, raw.Length);
                    }

                    break;
                default: decoded = e; break;
            }

            destination[written++] = decoded;
        }

        ReplaceLoneSurrogates(destination[..written]);
        return written;
    }

    /// <summary>Compares the inside of a validated JSON string with a plain literal, unescaping only if needed.</summary>
    public static bool RawStringEquals(ReadOnlySpan<char> raw, string literal)
    {
        if (raw.IndexOf('\\') < 0)
        {
            return raw.SequenceEqual(literal);
        }

        // An escape is at most six chars for one decoded char, so longer raw text cannot match.
        if (raw.Length > literal.Length * 6)
        {
            return false;
        }

        Span<char> buffer = stackalloc char[raw.Length];
        int n = Unescape(raw, buffer);
        return buffer[..n].SequenceEqual(literal);
    }

    /// <summary>Decodes the inside of a validated JSON string into a new string.</summary>
    public static string UnescapeToString(ReadOnlySpan<char> raw)
    {
        if (raw.IndexOf('\\') < 0 && raw.IndexOfAnyInRange('\uD800', '\uDFFF') < 0)
        {
            return new string(raw);
        }

        char[]? rented = null;
        Span<char> buffer = raw.Length <= 256
            ? stackalloc char[raw.Length]
            : (rented = System.Buffers.ArrayPool<char>.Shared.Rent(raw.Length));
        int n = Unescape(raw, buffer);
        var result = new string(buffer[..n]);
        if (rented is not null)
        {
            System.Buffers.ArrayPool<char>.Shared.Return(rented);
        }

        return result;
    }

    /// <summary>A string from <paramref name="text"/> with lone surrogates replaced by U+FFFD.</summary>
    public static string ToValidString(ReadOnlySpan<char> text)
    {
        if (!HasLoneSurrogate(text))
        {
            return new string(text);
        }

        var copy = text.ToArray();
        ReplaceLoneSurrogates(copy);
        return new string(copy);
    }

    public static bool HasLoneSurrogate(ReadOnlySpan<char> text)
    {
        int i = text.IndexOfAnyInRange('\uD800', '\uDFFF');
        if (i < 0)
        {
            return false;
        }

        for (; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Replaces unpaired UTF-16 surrogates with U+FFFD in place. Model output can contain them
    /// (split multi-byte tokens), and <see cref="System.Text.Json.Utf8JsonWriter"/> rejects them by throwing.
    /// </summary>
    public static void ReplaceLoneSurrogates(Span<char> text)
    {
        int i = text.IndexOfAnyInRange('\uD800', '\uDFFF');
        if (i < 0)
        {
            return;
        }

        for (; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                {
                    i++;
                }
                else
                {
                    text[i] = '\uFFFD';
                }
            }
            else if (char.IsLowSurrogate(c))
            {
                text[i] = '\uFFFD';
            }
        }
    }

    /// <summary>True when the char at <paramref name="position"/> has only blanks before it on its line.</summary>
    public static bool IsAtLineStart(ReadOnlySpan<char> text, int position)
    {
        int j = position - 1;
        while (j >= 0 && text[j] is ' ' or '\t' or '\r')
        {
            j--;
        }

        return j < 0 || text[j] == '\n';
    }
}
