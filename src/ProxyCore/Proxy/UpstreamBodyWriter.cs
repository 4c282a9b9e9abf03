using System.Buffers;
using System.Text.Json;

namespace OpsBot.ProxyCore.Proxy;

/// <summary>Re-serialises a request for vLLM, changing only the streaming fields and copying everything else verbatim.</summary>
public static class UpstreamBodyWriter
{
    /// <summary>
    /// Writes the request with <c>stream</c> set to <paramref name="stream"/>. <c>stream_options</c> is
    /// kept only for streaming requests: vLLM rejects it with 400 when <c>stream</c> is false.
    /// </summary>
    public static ReadOnlyMemory<byte> Write(JsonElement root, bool stream, int sizeHint)
    {
        var buffer = new ArrayBufferWriter<byte>(sizeHint + 64);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true }))
        {
            writer.WriteStartObject();
            foreach (var property in root.EnumerateObject())
            {
                if (property.NameEquals("stream") || (!stream && property.NameEquals("stream_options")))
                {
                    continue;
                }

                property.WriteTo(writer);
            }

            writer.WriteBoolean("stream", stream);
            writer.WriteEndObject();
        }

        return buffer.WrittenMemory;
    }
}
