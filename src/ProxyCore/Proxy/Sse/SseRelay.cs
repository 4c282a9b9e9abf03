using System.Buffers;
using System.IO.Pipelines;

namespace OpsBot.ProxyCore.Proxy.Sse;

/// <summary>
/// Relays vLLM's event stream to a streaming client without tools, whole lines as they arrive (all the lines one
/// read brought, in one send), and makes sure the client sees a well-formed stream that ends: a line that is not
/// SSE, a payload that is not JSON, a line longer than <see cref="ProxyOptions.MaxSseEventBytes"/> (never held past
/// that) or an upstream that closes without <c>data: [DONE]</c> ends the relay with an error event and
/// <c>data: [DONE]</c>. Relaying raw bytes once passed 64 KiB of garbage on as a 200 stream that never ended.
/// </summary>
internal static class SseRelay
{
    /// <summary>Relays until <c>[DONE]</c> or a problem; the problem is left in <see cref="SseStreamObserver.Error"/>.</summary>
    /// <param name="idle">Re-armed with <paramref name="idleTimeout"/> for every read, so a live stream is not cut while a stalled one is.</param>
    public static async Task RelayAsync(Stream source, PipeWriter destination, SseStreamObserver observer, int maxEventBytes, TimeProvider time,
        CancellationTokenSource idle, TimeSpan idleTimeout, CancellationToken cancellationToken)
    {
        var reader = PipeReader.Create(source, new StreamPipeReaderOptions(bufferSize: 16 * 1024, leaveOpen: true));
        // An event's lines went out without the blank line that ends it: an error event must not be glued to it.
        var eventOpen = false;
        byte[]? lineBuffer = null;
        try
        {
            while (true)
            {
                idle.CancelAfter(idleTimeout);
                var result = await reader.ReadAsync(idle.Token);
                var buffer = result.Buffer;
                var relayed = buffer.Start;
                string? problem = null;
                // Up to the blank line that closes the [DONE] event; nothing after it is vLLM's answer.
                while (problem is null && !Finished(observer, eventOpen) && SseLines.TryReadLine(ref buffer, out var line))
                {
                    problem = Judge(line, observer, maxEventBytes, ref lineBuffer, out var blank);
                    if (problem is null)
                    {
                        relayed = buffer.Start;
                        eventOpen = !blank;
                    }
                }

                if (problem is null && !Finished(observer, eventOpen) && buffer.Length > maxEventBytes)
                {
                    problem = SseLines.TooLarge(maxEventBytes);
                }

                var complete = result.Buffer.Slice(0, relayed);
                if (!complete.IsEmpty)
                {
                    observer.FirstByteAt ??= time.GetTimestamp();
                    foreach (var segment in complete)
                    {
                        destination.Write(segment.Span);
                    }

                    await destination.FlushAsync(cancellationToken);
                }

                reader.AdvanceTo(relayed, result.Buffer.End);
                if (Finished(observer, eventOpen))
                {
                    return;
                }

                if (observer.SawDone && result.IsCompleted)
                {
                    // vLLM closed right after [DONE] without the blank line: close the event for the client.
                    destination.Write("\n"u8);
                    await destination.FlushAsync(cancellationToken);
                    return;
                }

                if (problem is null && result.IsCompleted)
                {
                    problem = "vLLM's stream ended without data: [DONE].";
                }

                if (problem is not null)
                {
                    observer.Error = problem;
                    SseWriter.WriteErrorAndDone(destination, OpenAiError.ToJson(problem, "upstream_error", 502), eventOpen);
                    await destination.FlushAsync(cancellationToken);
                    return;
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

    private static bool Finished(SseStreamObserver observer, bool eventOpen) => observer.SawDone && !eventOpen;

    private static string? Judge(ReadOnlySequence<byte> line, SseStreamObserver observer, int maxEventBytes, ref byte[]? lineBuffer, out bool blank)
    {
        blank = false;
        if (line.Length > maxEventBytes)
        {
            return SseLines.TooLarge(maxEventBytes);
        }

        ReadOnlySpan<byte> bytes;
        if (line.IsSingleSegment)
        {
            bytes = line.FirstSpan;
        }
        else
        {
            var length = (int)line.Length;
            if (lineBuffer is null || lineBuffer.Length < length)
            {
                if (lineBuffer is not null) ArrayPool<byte>.Shared.Return(lineBuffer);
                lineBuffer = ArrayPool<byte>.Shared.Rent(length);
            }

            line.CopyTo(lineBuffer);
            bytes = lineBuffer.AsSpan(0, length);
        }

        switch (SseLines.Classify(bytes, out var payload))
        {
            case SseLineKind.Blank:
                blank = true;
                return null;
            case SseLineKind.Data:
                return observer.OnData(payload);
            case SseLineKind.Other:
                return null;
            default:
                return SseLines.NotSse(bytes);
        }
    }
}
