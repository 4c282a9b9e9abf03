using System.Buffers;
using System.Globalization;
using System.Numerics;
using System.Text.Json;

namespace OpsBot.ProxyCore.ToolCalls.Json;

/// <summary>
/// Python's <c>int(str)</c> and <c>float(str)</c> as vLLM's qwen3_coder parser applies them to
/// parameter values, writing the JSON number vLLM's <c>json.dumps</c> would produce.
/// </summary>
internal static class PythonNumbers
{
    /// <summary>CPython 3.11+ refuses longer decimal strings (sys.int_max_str_digits) with ValueError.</summary>
    private const int MaxIntDigits = 4300;

    /// <summary><c>int(value)</c>: surrounding whitespace, sign, digits with single underscores between them.</summary>
    public static bool TryWriteInt(Utf8JsonWriter writer, ReadOnlySpan<char> value)
    {
        var text = value.Trim();
        bool negative = false;
        if (text.Length > 0 && text[0] is '+' or '-')
        {
            negative = text[0] == '-';
            text = text[1..];
        }

        if (text.Length == 0 || text.Length > MaxIntDigits * 2)
        {
            return false;
        }

        var rented = ArrayPool<char>.Shared.Rent(text.Length + 1);
        try
        {
            var digits = rented.AsSpan();
            int count = 0;
            digits[count++] = '-';
            if (!CopyDigits(text, digits, ref count, allowEmpty: false) || count - 1 > MaxIntDigits)
            {
                return false;
            }

            // Python int has no leading zeros and no negative zero.
            int first = 1;
            while (first < count - 1 && digits[first] == '0')
            {
                first++;
            }

            bool zero = count - first == 1 && digits[first] == '0';
            int start = negative && !zero ? first - 1 : first;
            if (negative && !zero)
            {
                digits[start] = '-';
            }

            writer.WriteRawValue(digits[start..count], skipInputValidation: true);
            return true;
        }
        finally
        {
            ArrayPool<char>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// <c>float(value)</c> then vLLM's "integral floats become ints" rule (<c>"5.0"</c> → 5, <c>"1e3"</c> → 1000).
    /// inf/nan are refused (vLLM keeps those as strings or fails the call), so the caller writes the raw string.
    /// </summary>
    public static bool TryWriteFloat(Utf8JsonWriter writer, ReadOnlySpan<char> value)
    {
        var text = value.Trim();
        if (text.Length == 0 || text.Length > 1024)
        {
            return false;
        }

        Span<char> ascii = stackalloc char[text.Length];
        int n = 0;
        int i = 0;
        if (text[i] is '+' or '-')
        {
            ascii[n++] = text[i++];
        }

        int mantissaDigits = 0;
        int before = n;
        if (!CopyDigits(text, i, ascii, ref n, ref i))
        {
            return false;
        }

        mantissaDigits += n - before;
        if (i < text.Length && text[i] == '.')
        {
            ascii[n++] = '.';
            i++;
            before = n;
            if (!CopyDigits(text, i, ascii, ref n, ref i))
            {
                return false;
            }

            mantissaDigits += n - before;
        }

        if (mantissaDigits == 0)
        {
            return false;
        }

        if (i < text.Length && text[i] is 'e' or 'E')
        {
            ascii[n++] = 'e';
            i++;
            if (i < text.Length && text[i] is '+' or '-')
            {
                ascii[n++] = text[i++];
            }

            before = n;
            if (!CopyDigits(text, i, ascii, ref n, ref i) || n == before)
            {
                return false;
            }
        }

        if (i != text.Length
            || !double.TryParse(ascii[..n], NumberStyles.Float, CultureInfo.InvariantCulture, out double number)
            || !double.IsFinite(number))
        {
            return false;
        }

        WriteVllmNumber(writer, number);
        return true;
    }

    /// <summary>Writes a finite double the way vLLM's coercion leaves it: integral values as ints.</summary>
    public static void WriteVllmNumber(Utf8JsonWriter writer, double number)
    {
        if (number != Math.Floor(number))
        {
            writer.WriteNumberValue(number);
        }
        else if (Math.Abs(number) < 9.2e18)
        {
            writer.WriteNumberValue((long)number);
        }
        else
        {
            writer.WriteRawValue(new BigInteger(number).ToString(CultureInfo.InvariantCulture), skipInputValidation: true);
        }
    }

    /// <summary>Copies a Python digit part (Unicode decimal digits, single underscores between digits) as ASCII.</summary>
    private static bool CopyDigits(ReadOnlySpan<char> text, Span<char> destination, ref int count, bool allowEmpty)
    {
        int i = 0;
        int before = count;
        if (!CopyDigits(text, 0, destination, ref count, ref i))
        {
            return false;
        }

        return i == text.Length && (allowEmpty || count > before);
    }

    private static bool CopyDigits(ReadOnlySpan<char> text, int start, Span<char> destination, ref int count, ref int i)
    {
        i = start;
        bool lastWasDigit = false;
        while (i < text.Length)
        {
            char c = text[i];
            if (c == '_')
            {
                if (!lastWasDigit || i + 1 >= text.Length || CharUnicodeInfo.GetDecimalDigitValue(text[i + 1]) < 0)
                {
                    return false;
                }

                lastWasDigit = false;
                i++;
                continue;
            }

            int digit = CharUnicodeInfo.GetDecimalDigitValue(c);
            if (digit < 0)
            {
                break;
            }

            destination[count++] = (char)('0' + digit);
            lastWasDigit = true;
            i++;
        }

        return true;
    }
}
