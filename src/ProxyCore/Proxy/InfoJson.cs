using System.Buffers;
using System.Collections;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace OpsBot.ProxyCore.Proxy;

/// <summary>
/// Writes the small informational bodies (<c>/health</c>, <c>/</c>) with a <see cref="Utf8JsonWriter"/>: the same bytes as
/// <c>Results.Json</c> (ASP.NET Core's relaxed escaping, no indentation), without the minimal-API binder and the reflection serializer, whose
/// first use cost the first <c>/health</c> after start ~0.1-0.2 s of CPU (bench/RESULTS.md, issue 17).
/// </summary>
internal static class InfoJson
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonSerializerOptions SerializerOptions = new(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Task WriteAsync(HttpContext context, IEnumerable<KeyValuePair<string, object?>> body)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            WriteValue(writer, body);
        }

        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.ContentLength = buffer.WrittenCount;
        return context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted).AsTask();
    }

    private static void WriteValue(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null: writer.WriteNullValue(); break;
            case string text: writer.WriteStringValue(text); break;
            case bool flag: writer.WriteBooleanValue(flag); break;
            case int number: writer.WriteNumberValue(number); break;
            case long number: writer.WriteNumberValue(number); break;
            case double number: writer.WriteNumberValue(number); break;
            case IEnumerable<KeyValuePair<string, object?>> members: WriteObject(writer, members); break;
            case IEnumerable<KeyValuePair<string, string>> members: WriteObject(writer, members.Select(m => KeyValuePair.Create(m.Key, (object?)m.Value))); break;
            case IEnumerable items and not IDictionary:
                writer.WriteStartArray();
                foreach (var item in items)
                {
                    WriteValue(writer, item);
                }

                writer.WriteEndArray();
                break;
            // A field source's own type: what Results.Json would have written.
            default: JsonSerializer.Serialize(writer, value, value.GetType(), SerializerOptions); break;
        }
    }

    private static void WriteObject(Utf8JsonWriter writer, IEnumerable<KeyValuePair<string, object?>> members)
    {
        writer.WriteStartObject();
        foreach (var (name, member) in members)
        {
            writer.WritePropertyName(name);
            WriteValue(writer, member);
        }

        writer.WriteEndObject();
    }
}
