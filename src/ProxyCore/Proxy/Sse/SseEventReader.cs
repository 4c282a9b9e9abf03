using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using OpsBot.ProxyCore.Proxy.Upstream;

namespace OpsBot.ProxyCore.Proxy.Sse;

/// <summary>Reads the <c>data:</c> payloads of an SSE stream as they arrive, without copying lines into strings.</summary>
internal static class SseEventReader
{
    /// <summary>Yields each data payload; the memory is only valid until the next item is requested.</summary>
    /// <param name="maxEventBytes">Longest line held while waiting for its end (<see cref="ProxyOptions.MaxSseEventBytes"/>).</param>
    /// <exception cref="UpstreamStreamException">A line is not SSE, or grows past <paramref name="maxEventBytes"/>.</exception>
    public static async IAsyncEnumerable<SseData> ReadAsync(Stream stream, int maxEventBytes, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var reader = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 16 * 1024, leaveOpen: true));
        byte[]? lineBuffer = null;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(cancellationToken);
                var buffer = result.Buffer;
                while (SseLines.TryReadLine(ref buffer, out var line))
                {
                    if (line.Length > maxEventBytes)
                    {
                        throw new UpstreamStreamException(SseLines.TooLarge(maxEventBytes));
                    }

                    var bytes = Contiguous(line, ref lineBuffer);
                    switch (SseLines.Classify(bytes.Span, out var payload))
                    {
                        case SseLineKind.Data:
                            // The payload's offset within the line, so it can be handed out as memory.
                            var start = bytes.Length - payload.Length - (bytes.Span.EndsWith((byte)'\r') ? 1 : 0);
                            yield return new SseData(bytes.Slice(start, payload.Length), HasAnotherLine(buffer));
                            break;
                        case SseLineKind.NotSse:
                            throw new UpstreamStreamException(SseLines.NotSse(bytes.Span));
                    }
                }

                if (buffer.Length > maxEventBytes)
                {
                    throw new UpstreamStreamException(SseLines.TooLarge(maxEventBytes));
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

    private static ReadOnlyMemory<byte> Contiguous(ReadOnlySequence<byte> line, ref byte[]? lineBuffer)
    {
        if (line.IsSingleSegment)
        {
            return line.First;
        }

        // A line split across pipe segments: copy it once into a pooled buffer.
        var length = (int)line.Length;
        if (lineBuffer is null || lineBuffer.Length < length)
        {
            if (lineBuffer is not null) ArrayPool<byte>.Shared.Return(lineBuffer);
            lineBuffer = ArrayPool<byte>.Shared.Rent(length);
        }

        line.CopyTo(lineBuffer);
        return lineBuffer.AsMemory(0, length);
    }
}
