using System.Globalization;
using System.Text;
using System.Text.Json;

namespace OpsBot.VllmSimulator.Chat;

/// <summary>
/// Renders JSON the way Python's <c>json.dumps(obj, ensure_ascii=False)</c> does (<c>", "</c> and <c>": "</c>
/// separators, non-ASCII unescaped), which is how the qwen3_coder parser serialises tool arguments.
/// </summary>
internal static class PythonJson
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
            default:
                into.Append(element.GetRawText());
                break;
        }
    }

    public static void WriteString(string value, StringBuilder into)
    {
        into.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': into.Append("\\\""); break;
                case '\\': into.Append("\\\\"); break;
                case '\n': into.Append("\\n"); break;
                case '\r': into.Append("\\r"); break;
                case '\t': into.Append("\\t"); break;
                case '\b': into.Append("\\b"); break;
                case '\f': into.Append("\\f"); break;
                default:
                    if (c < 0x20)
                    {
                        into.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        into.Append(c);
                    }

                    break;
            }
        }

        into.Append('"');
    }
}
