using System.Buffers;
using System.Text.Json;

namespace OpsBot.ProxyCore.ToolCalls.Json;

/// <summary>Re-emits JSON text that <see cref="JsonScanner"/> validated, compactly, through a writer.</summary>
internal static class JsonValueWriter
{
    /// <summary>Writes <paramref name="json"/>, which must be exactly one complete, validated JSON value.</summary>
    public static void WriteValidated(Utf8JsonWriter writer, ReadOnlySpan<char> json)
    {
        // Containers are tracked only to know when a string is a property name.
        UInt128 objectLevels = UInt128.Zero;
        int depth = 0;
        bool expectKey = false;
        int i = 0;
        while (i < json.Length)
        {
            char c = json[i];
            switch (c)
            {
                case ' ' or '\t' or '\n' or '\r' or ':':
                    i++;
                    break;
                case '{':
                    writer.WriteStartObject();
                    objectLevels |= UInt128.One << depth;
                    depth++;
                    expectKey = true;
                    i++;
                    break;
                case '[':
                    writer.WriteStartArray();
                    objectLevels &= ~(UInt128.One << depth);
                    depth++;
                    expectKey = false;
                    i++;
                    break;
                case '}':
                    writer.WriteEndObject();
                    depth--;
                    expectKey = false;
                    i++;
                    break;
                case ']':
                    writer.WriteEndArray();
                    depth--;
                    expectKey = false;
                    i++;
                    break;
                case ',':
                    expectKey = depth > 0 && (objectLevels & (UInt128.One << (depth - 1))) != UInt128.Zero;
                    i++;
                    break;
                case '"':
                {
                    int end = JsonText.StringEnd(json, i);
                    WriteString(writer, json[(i + 1)..(end - 1)], expectKey);
                    expectKey = false;
                    i = end;
                    break;
                }

                case 't':
                    writer.WriteBooleanValue(true);
                    i += 4;
                    break;
                case 'f':
                    writer.WriteBooleanValue(false);
                    i += 5;
                    break;
                case 'n':
                    writer.WriteNullValue();
                    i += 4;
                    break;
                default:
                {
                    int start = i;
                    while (i < json.Length && json[i] is (>= '0' and <= '9') or '-' or '+' or '.' or 'e' or 'E')
                    {
                        i++;
                    }

                    // The scanner validated the number grammar; JSON allows any precision, so pass it through.
                    writer.WriteRawValue(json[start..i], skipInputValidation: true);
                    break;
                }
            }
        }
    }

    /// <summary>Writes a plain (already unescaped) string value, replacing lone surrogates.</summary>
    public static void WriteStringValue(Utf8JsonWriter writer, ReadOnlySpan<char> value)
    {
        if (value.IndexOfAnyInRange('\uD800', '\uDFFF') < 0)
        {
            writer.WriteStringValue(value);
            return;
        }

        var rented = ArrayPool<char>.Shared.Rent(value.Length);
        var copy = rented.AsSpan(0, value.Length);
        value.CopyTo(copy);
        JsonText.ReplaceLoneSurrogates(copy);
        writer.WriteStringValue(copy);
        ArrayPool<char>.Shared.Return(rented);
    }

    /// <summary>Writes a plain (already unescaped) property name, replacing lone surrogates.</summary>
    public static void WritePropertyName(Utf8JsonWriter writer, ReadOnlySpan<char> name)
    {
        if (name.IndexOfAnyInRange('\uD800', '\uDFFF') < 0)
        {
            writer.WritePropertyName(name);
            return;
        }

        var rented = ArrayPool<char>.Shared.Rent(name.Length);
        var copy = rented.AsSpan(0, name.Length);
        name.CopyTo(copy);
        JsonText.ReplaceLoneSurrogates(copy);
        writer.WritePropertyName(copy);
        ArrayPool<char>.Shared.Return(rented);
    }

    /// <summary>Unescapes the inside of a validated JSON string and writes it as a value or property name.</summary>
    private static void WriteString(Utf8JsonWriter writer, ReadOnlySpan<char> raw, bool asPropertyName)
    {
        if (raw.IndexOf('\\') < 0)
        {
            if (asPropertyName)
            {
                WritePropertyName(writer, raw);
            }
            else
            {
                WriteStringValue(writer, raw);
            }

            return;
        }

        char[]? rented = null;
        Span<char> buffer = raw.Length <= 256
            ? stackalloc char[raw.Length]
            : (rented = ArrayPool<char>.Shared.Rent(raw.Length));
        int n = JsonText.Unescape(raw, buffer);
        if (asPropertyName)
        {
            writer.WritePropertyName(buffer[..n]);
        }
        else
        {
            writer.WriteStringValue(buffer[..n]);
        }

        if (rented is not null)
        {
            ArrayPool<char>.Shared.Return(rented);
        }
    }
}
