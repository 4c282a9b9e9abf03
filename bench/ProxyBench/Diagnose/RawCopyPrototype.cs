using System.Text.Json;
using System.Runtime.InteropServices;

namespace OpsBot.Bench.Diagnose;

/// <summary>
/// Sketch of the change suggested for <c>UpstreamBodyWriter.Write</c>, measured beside it: values that need no
/// change are copied as the client's raw UTF-8 (<see cref="JsonMarshal.GetRawUtf8Value"/>) instead of being
/// unescaped and escaped again, so the output is byte-identical where untouched and fits a buffer of the body's
/// size. It only handles what the benchmark body needs (no developer roles, no history repairs).
/// </summary>
internal static class RawCopyPrototype
{
    public static ReadOnlyMemory<byte> Write(JsonElement root, bool stream, int sizeHint)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(sizeHint + 64);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true }))
        {
            writer.WriteStartObject();
            foreach (var property in root.EnumerateObject())
            {
                if (property.NameEquals("stream") || property.NameEquals("store") || property.NameEquals("max_completion_tokens")
                    || (!stream && property.NameEquals("stream_options")))
                {
                    continue;
                }

                writer.WritePropertyName(property.Name);
                writer.WriteRawValue(JsonMarshal.GetRawUtf8Value(property.Value), skipInputValidation: true);
            }

            writer.WriteBoolean("stream", stream);
            writer.WriteEndObject();
        }

        return buffer.WrittenMemory;
    }
}
