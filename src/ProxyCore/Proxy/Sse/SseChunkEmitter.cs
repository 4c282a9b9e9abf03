using System.Buffers;
using System.Text.Json;
using OpsBot.ProxyCore.ToolCalls;
using OpsBot.ProxyCore.Proxy.Chat;

namespace OpsBot.ProxyCore.Proxy.Sse;

/// <summary>
/// Writes <c>chat.completion.chunk</c> events to a client, one reused buffer and writer per response.
/// Every chunk repeats the upstream answer's id, created and model, as OpenAI streams do.
/// Each event goes out in one write: Kestrel flushes every write (one HTTP chunk and one send each), so
/// prefix, JSON and terminator written separately tripled the sends.
/// </summary>
internal sealed class SseChunkEmitter : IDisposable
{
    private static ReadOnlySpan<byte> DataPrefix => "data: "u8;
    private static ReadOnlySpan<byte> EventEnd => "\n\n"u8;
    private static ReadOnlySpan<byte> Done => "data: [DONE]\n\n"u8;

    private readonly Stream _body;
    private readonly ChunkHeader _header;
    private readonly ArrayBufferWriter<byte> _buffer = new(1024);
    private readonly Utf8JsonWriter _writer;

    public SseChunkEmitter(Stream body, ChunkHeader header)
    {
        _body = body;
        _header = header;
        _writer = new Utf8JsonWriter(_buffer, RawJson.WriterOptions);
    }

    /// <summary>Number of chunks written so far.</summary>
    public int Written { get; private set; }

    /// <summary>
    /// Keep events instead of sending them; the next event written with this off, <see cref="SendPendingAsync"/>
    /// or <see cref="DoneAsync"/> sends them all in one write. For what is already at hand: a complete answer
    /// being re-wrapped, or several chunks vLLM delivered at once. Nothing the client could see sooner waits.
    /// </summary>
    public bool Defer { get; set; }

    /// <summary>Whether events are kept that have not been sent.</summary>
    public bool HasPending => _buffer.WrittenCount > 0;

    public ValueTask RoleAsync(int index, CancellationToken cancellationToken)
    {
        Begin();
        BeginDelta(index);
        _writer.WriteString("role", "assistant");
        _writer.WriteString("content", "");
        EndDelta(finishReason: null);
        return EndAsync(cancellationToken);
    }

    public ValueTask ContentAsync(int index, string text, CancellationToken cancellationToken)
    {
        Begin();
        BeginDelta(index);
        _writer.WriteString("content", text);
        EndDelta(finishReason: null);
        return EndAsync(cancellationToken);
    }

    public ValueTask ToolCallAsync(int index, ExtractedToolCall call, int callIndex, CancellationToken cancellationToken)
    {
        Begin();
        BeginDelta(index);
        _writer.WriteStartArray("tool_calls");
        CompletionJsonWriter.WriteToolCall(_writer, call, callIndex);
        _writer.WriteEndArray();
        EndDelta(finishReason: null);
        return EndAsync(cancellationToken);
    }

    public ValueTask FinishAsync(int index, string finishReason, CancellationToken cancellationToken)
    {
        Begin();
        BeginDelta(index);
        EndDelta(finishReason);
        return EndAsync(cancellationToken);
    }

    public ValueTask UsageAsync(JsonElement usage, CancellationToken cancellationToken)
    {
        Begin();
        _writer.WriteStartArray("choices");
        _writer.WriteEndArray();
        _writer.WritePropertyName("usage");
        CompletionJsonWriter.WriteUsage(_writer, usage);
        return EndAsync(cancellationToken);
    }

    public async ValueTask DoneAsync(CancellationToken cancellationToken)
    {
        _buffer.Write(Done);
        await SendAsync(cancellationToken);
    }

    public void Dispose() => _writer.Dispose();

    private void Begin()
    {
        _buffer.Write(DataPrefix);
        _writer.Reset(_buffer);
        _writer.WriteStartObject();
        _header.Write(_writer);
    }

    private void BeginDelta(int index)
    {
        _writer.WriteStartArray("choices");
        _writer.WriteStartObject();
        _writer.WriteNumber("index", index);
        _writer.WriteStartObject("delta");
    }

    private void EndDelta(string? finishReason)
    {
        _writer.WriteEndObject();
        _writer.WriteNull("logprobs");
        if (finishReason is null) _writer.WriteNull("finish_reason"); else _writer.WriteString("finish_reason", finishReason);
        _writer.WriteEndObject();
        _writer.WriteEndArray();
    }

    private ValueTask EndAsync(CancellationToken cancellationToken)
    {
        _writer.WriteEndObject();
        _writer.Flush();
        _buffer.Write(EventEnd);
        Written++;
        // Flush per chunk when streaming: a token that sits in a buffer is a token the user does not see.
        return Defer ? ValueTask.CompletedTask : SendAsync(cancellationToken);
    }

    /// <summary>Sends the events kept by <see cref="Defer"/>.</summary>
    public ValueTask SendPendingAsync(CancellationToken cancellationToken) =>
        HasPending ? SendAsync(cancellationToken) : ValueTask.CompletedTask;

    private async ValueTask SendAsync(CancellationToken cancellationToken)
    {
        await _body.WriteAsync(_buffer.WrittenMemory, cancellationToken);
        await _body.FlushAsync(cancellationToken);
        _buffer.ResetWrittenCount();
    }
}
