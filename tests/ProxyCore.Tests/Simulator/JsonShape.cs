using System.Text;
using System.Text.Json;

namespace OpsBot.ProxyCore.Tests.Simulator;

/// <summary>
/// A structural fingerprint of JSON: object keys in order with the kind of each value, array item shapes
/// (distinct), leaves as s/n/b/null. Two payloads with the same fingerprint differ only in values.
/// </summary>
internal static class JsonShape
{
    public static string Of(string json)
    {
        using var document = JsonDocument.Parse(json);
        return Of(document.RootElement);
    }

    public static string Of(JsonElement element)
    {
        var builder = new StringBuilder();
        Append(element, builder);
        return builder.ToString();
    }

    private static void Append(JsonElement element, StringBuilder builder)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                builder.Append('{');
                var first = true;
                foreach (var property in element.EnumerateObject())
                {
                    if (!first)
                    {
                        builder.Append(',');
                    }

                    first = false;
                    builder.Append(property.Name).Append(':');
                    Append(property.Value, builder);
                }

                builder.Append('}');
                break;
            case JsonValueKind.Array:
                var items = element.EnumerateArray().Select(Of).Distinct();
                builder.Append('[').Append(string.Join('|', items)).Append(']');
                break;
            case JsonValueKind.String:
                builder.Append('s');
                break;
            case JsonValueKind.Number:
                builder.Append('n');
                break;
            case JsonValueKind.True:
            case JsonValueKind.False:
                builder.Append('b');
                break;
            default:
                builder.Append("null");
                break;
        }
    }
}
