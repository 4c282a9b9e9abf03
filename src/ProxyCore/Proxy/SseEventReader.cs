using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;

namespace OpsBot.ProxyCore.Proxy;

/// <summary>Reads the <c>data:</c> payloads of an SSE stream as they arrive, without copying lines into strings.</summary>
public static class SseEventReader
{
    private static ReadOnlySpan<byte> DataPrefix => "data:"u8;

    /// <summary>Yields each data payload; the memory is only valid until the next item is requested.</summary>
    public static async IAsyncEnumerable<SseData> ReadAsync(Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var reader = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 16 * 1024, leaveOpen: true));
        byte[]? lineBuffer = null;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(cancellationToken);
                var buffer = result.Buffer;
                while (TryReadLine(ref buffer, out var line))
                {
                    if (!TryGetData(line, ref lineBuffer, out var data))
                    {
                        continue;
                    }

                    yield return new SseData(data, HasAnotherLine(buffer));
                }

                reader.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted)
                {
                    yield break;
                }
            }
        }
        finally
        {
            if (lineBuffer is not null)
            {
                ArrayPool<byte>.Shared.Return(lineBuffer);
            }

            await reader.CompleteAsync();
        }
    }

    /// <summary>Whether a further non-empty line is already complete in <paramref name="rest"/> (the blank line ending an event does not count).</summary>
    private static bool HasAnotherLine(ReadOnlySequence<byte> rest)
    {
        var reader = new SequenceReader<byte>(rest);
        reader.AdvancePastAny((byte)'\r', (byte)'\n');
        return reader.TryAdvanceTo((byte)'\n', advancePastDelimiter: false);
    }

    private static bool TryReadLine(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> line)
    {
        var position = buffer.PositionOf((byte)'\n');
        if (position is null)
        {
            line = default;
            return false;
        }

        line = buffer.Slice(0, position.Value);
        buffer = buffer.Slice(buffer.GetPosition(1, position.Value));
        return true;
    }

    private static bool TryGetData(ReadOnlySequence<byte> line, ref byte[]? lineBuffer, out ReadOnlyMemory<byte> data)
    {
        data = default;
        ReadOnlyMemory<byte> bytes;
        if (line.IsSingleSegment)
        {
            bytes = line.First;
        }
        else
        {
            // A line split across pipe segments: copy it once into a pooled buffer.
            var length = (int)line.Length;
            if (lineBuffer is null || lineBuffer.Length < length)
            {
                if (lineBuffer is not null) ArrayPool<byte>.Shared.Return(lineBuffer);
                lineBuffer = ArrayPool<byte>.Shared.Rent(length);
            }

            line.CopyTo(lineBuffer);
            bytes = lineBuffer.AsMemory(0, length);
        }

        var span = bytes.Span;
        if (!span.StartsWith(DataPrefix))
        {
            return false;
        }

        var start = DataPrefix.Length;
        if (span.Length > start && span[start] == (byte)' ')
        {
            start++;
        }

        var end = span.Length;
        if (end > start && span[end - 1] == (byte)'\r')
        {
            end--;
        }

        data = bytes[start..end];
        return true;
    }
}
