using System.Globalization;
using System.Text;
using System.Text.Json;

namespace OpsBot.VllmSimulator.Chat;

/// <summary>
/// Python <c>repr()</c> of a parsed JSON body, because pydantic validation messages embed the request
/// as <c>'input': {...}</c> with True/False/None and single quotes.
/// </summary>
internal static class PythonRepr
{
    public static void Write(JsonElement element, StringBuilder into)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                into.Append('{');
                var firstProperty = true;
                foreach (var property in element.EnumerateObject())
                {
                    if (!firstProperty)
                    {
                        into.Append(", ");
                    }

                    firstProperty = false;
                    WriteString(property.Name, into);
                    into.Append(": ");
                    Write(property.Value, into);
                }

                into.Append('}');
                break;
            case JsonValueKind.Array:
                into.Append('[');
                var firstItem = true;
                foreach (var item in element.EnumerateArray())
                {
                    if (!firstItem)
                    {
                        into.Append(", ");
                    }

                    firstItem = false;
                    Write(item, into);
                }

                into.Append(']');
                break;
            case JsonValueKind.String:
                WriteString(element.GetString()!, into);
                break;
            case JsonValueKind.True:
                into.Append("True");
                break;
            case JsonValueKind.False:
                into.Append("False");
                break;
            case JsonValueKind.Null:
                into.Append("None");
                break;
            default:
                into.Append(element.GetRawText());
                break;
        }
    }

    private static void WriteString(string value, StringBuilder into)
    {
        var quote = value.Contains('\'') && !value.Contains('"') ? '"' : '\'';
        into.Append(quote);
        foreach (var c in value)
        {
            switch (c)
            {
                case '\\': into.Append("\\\\"); break;
                case '\n': into.Append("\\n"); break;
                case '\r': into.Append("\\r"); break;
                case '\t': into.Append("\\t"); break;
                default:
                    if (c == quote)
                    {
                        into.Append('\\').Append(c);
                    }
                    else if (c < 0x20 || c == 0x7f)
                    {
                        into.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        into.Append(c);
                    }

                    break;
            }
        }

        into.Append(quote);
    }
}
