using System.Buffers.Text;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace OpsBot.ProxyCore.Proxy;

/// <summary>
/// Whether JSON text decodes to valid Unicode. <c>JsonDocument.Parse</c> does not check it: invalid UTF-8 bytes or a
/// lone surrogate escape (<c>"\ud800"</c>) parse fine and throw later, wherever a string is read
/// (<c>GetString</c>, <c>ValueEquals</c>), which once turned a bad <c>model</c> into a 500 with a stack trace.
/// </summary>
/// <remarks>
/// <see cref="IsValid"/> runs on every request body and every upstream chunk, so it is two vectorised scans of the
/// raw bytes, no decoding (about 3 µs for OpenClaw's 48 KB); <see cref="Locate"/> walks the document only when it
/// failed, to name the field.
/// </remarks>
internal static class JsonTextValidity
{
    private static ReadOnlySpan<byte> UnicodeEscape => "\\u"u8;

    /// <summary>Valid UTF-8 with every <c>\uD800</c>-<c>\uDFFF</c> escape part of a high-low pair.</summary>
    public static bool IsValid(ReadOnlySpan<byte> json) => Utf8.IsValid(json) && !HasLoneSurrogateEscape(json);

    /// <summary>
    /// The first string or property name in <paramref name="root"/> that is not valid text, as an OpenAI error
    /// <c>param</c> (<c>messages[3].content</c>; a bad property name is reported as its object's path plus
    /// <c>(property name)</c>); null when none is.
    /// </summary>
    public static string? Locate(JsonElement root)
    {
        var path = new StringBuilder();
        return Locate(root, path) ? path.Length == 0 ? "(body)" : path.ToString() : null;
    }

    private static bool Locate(JsonElement element, StringBuilder path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return !IsValid(JsonMarshal.GetRawUtf8Value(element));
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    var length = path.Length;
                    path.Append('[').Append(index++).Append(']');
                    if (Locate(item, path))
                    {
                        return true;
                    }

                    path.Length = length;
                }

                return false;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    var length = path.Length;
                    if (!IsValid(JsonMarshal.GetRawUtf8PropertyName(property)))
                    {
                        path.Append(length == 0 ? "" : " ").Append("(property name)");
                        return true;
                    }

                    path.Append(length == 0 ? "" : ".").Append(property.Name);
                    if (Locate(property.Value, path))
                    {
                        return true;
                    }

                    path.Length = length;
                }

                return false;
            default:
                return false;
        }
    }

    /// <summary>
    /// A <c>\u</c> escape of a surrogate that is not a high one followed by a low one. JSON allows backslashes only
    /// inside strings, and a <c>\u</c> preceded by an odd run of backslashes is an escaped backslash followed by the
    /// letter u, not an escape.
    /// </summary>
    private static bool HasLoneSurrogateEscape(ReadOnlySpan<byte> json)
    {
        var offset = 0;
        while (true)
        {
            var found = json[offset..].IndexOf(UnicodeEscape);
            if (found < 0)
            {
                return false;
            }

            var at = offset + found;
            offset = at + 2;
            var backslashes = 0;
            while (at - backslashes - 1 >= 0 && json[at - backslashes - 1] == (byte)'\\')
            {
                backslashes++;
            }

            if (backslashes % 2 == 1 || !TryReadEscape(json, at, out var unit))
            {
                continue;
            }

            if (unit is >= 0xDC00 and <= 0xDFFF)
            {
                return true;
            }

            if (unit is >= 0xD800 and <= 0xDBFF)
            {
                if (!TryReadEscape(json, at + 6, out var low) || low is < 0xDC00 or > 0xDFFF)
                {
                    return true;
                }

                offset = at + 12;
            }
        }
    }

    /// <summary>Reads the code unit of the <c>\uXXXX</c> escape at <paramref name="at"/>.</summary>
    private static bool TryReadEscape(ReadOnlySpan<byte> json, int at, out int unit)
    {
        unit = 0;
        return at + 6 <= json.Length
            && json[at] == (byte)'\\' && json[at + 1] == (byte)'u'
            && Utf8Parser.TryParse(json.Slice(at + 2, 4), out ushort value, out var consumed, 'X') && consumed == 4
            && (unit = value) >= 0;
    }
}
