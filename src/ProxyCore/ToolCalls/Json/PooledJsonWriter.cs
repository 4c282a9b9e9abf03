using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace OpsBot.ProxyCore.ToolCalls.Json;

/// <summary>
/// A per-thread reusable <see cref="Utf8JsonWriter"/> + buffer for building argument JSON on the
/// proxy hot path without allocating a writer per call.
/// </summary>
internal sealed class PooledJsonWriter
{
    // vLLM dumps arguments with ensure_ascii=False; relaxed escaping keeps non-ASCII text readable
    // instead of \uXXXX. The JSON is a string value inside the response, never HTML.
    private static readonly JsonWriterOptions Options = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
    };

    private const int MaxRetainedBytes = 1 << 20;

    [ThreadStatic]
    private static PooledJsonWriter? t_cached;

    private readonly ArrayBufferWriter<byte> _buffer = new(256);

    private PooledJsonWriter() => Writer = new Utf8JsonWriter(_buffer, Options);

    public Utf8JsonWriter Writer { get; }

    public static PooledJsonWriter Rent()
    {
        var pooled = t_cached ?? new PooledJsonWriter();
        t_cached = null;
        pooled._buffer.ResetWrittenCount();
        pooled.Writer.Reset(pooled._buffer);
        return pooled;
    }

    /// <summary>Returns the written JSON and gives the writer back to the thread cache.</summary>
    public string ToStringAndReturn()
    {
        Writer.Flush();
        var text = Encoding.UTF8.GetString(_buffer.WrittenSpan);
        Return();
        return text;
    }

    public void Return()
    {
        if (_buffer.Capacity <= MaxRetainedBytes)
        {
            t_cached = this;
        }
    }
}
