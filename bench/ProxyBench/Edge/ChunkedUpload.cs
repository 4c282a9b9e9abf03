using System.Net.Sockets;
using System.Text;

namespace OpsBot.Bench.Edge;

/// <summary>
/// One client uploading a generated chat body of <c>length</c> bytes with <c>Transfer-Encoding: chunked</c> over a
/// raw socket, reading the answer while it writes: a proxy that refuses the body answers before the upload ends, and
/// HttpClient would report only the broken upload, not that answer.
/// </summary>
internal static class ChunkedUpload
{
    private static readonly byte[] Prefix = Encoding.UTF8.GetBytes("""{"model":"Qwen/Qwen3-Coder-Next-FP8","stream":true,"messages":[{"role":"user","content":" """);
    private static readonly byte[] Suffix = Encoding.UTF8.GetBytes("\"}]}");

    /// <returns>The status line and the start of the body the proxy answered, or what broke first.</returns>
    public static async Task<string> SendAsync(Uri chatUri, long length, CancellationToken cancellationToken)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(chatUri.Host, chatUri.Port, cancellationToken);
        var stream = tcp.GetStream();
        var head = $"POST {chatUri.AbsolutePath} HTTP/1.1\r\nHost: {chatUri.Authority}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head), cancellationToken);
        var answer = ReadAnswerAsync(stream, cancellationToken);
        try
        {
            await WriteChunkAsync(stream, Prefix, cancellationToken);
            var chunk = new byte[64 * 1024];
            chunk.AsSpan().Fill((byte)'x');
            var remaining = length - Prefix.Length - Suffix.Length;
            while (remaining > 0 && !answer.IsCompleted)
            {
                var count = (int)Math.Min(chunk.Length, remaining);
                await WriteChunkAsync(stream, chunk.AsMemory(0, count), cancellationToken);
                remaining -= count;
            }

            if (!answer.IsCompleted)
            {
                await WriteChunkAsync(stream, Suffix, cancellationToken);
                await stream.WriteAsync("0\r\n\r\n"u8.ToArray(), cancellationToken);
            }
        }
        catch (IOException)
        {
            // The proxy stopped reading and closed; its answer, if any, is still in the socket.
        }

        return await answer.WaitAsync(TimeSpan.FromMinutes(2), cancellationToken);
    }

    private static async Task WriteChunkAsync(Stream stream, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"{data.Length:X}\r\n"), cancellationToken);
        await stream.WriteAsync(data, cancellationToken);
        await stream.WriteAsync("\r\n"u8.ToArray(), cancellationToken);
    }

    private static async Task<string> ReadAnswerAsync(Stream stream, CancellationToken cancellationToken)
    {
        var received = new MemoryStream();
        var buffer = new byte[4096];
        try
        {
            int read;
            while (received.Length < 4096 && (read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
            {
                received.Write(buffer, 0, read);
                var text = Encoding.UTF8.GetString(received.ToArray());
                var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
                if (end >= 0 && text.Length > end + 4)
                {
                    break;
                }
            }
        }
        catch (IOException)
        {
        }

        var answer = Encoding.UTF8.GetString(received.ToArray());
        if (answer.Length == 0)
        {
            return "connection closed without an answer";
        }

        var status = answer[..Math.Max(0, answer.IndexOf('\r'))];
        var bodyStart = answer.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var body = bodyStart < 0 ? "" : answer[(bodyStart + 4)..].Trim();
        return body.Length == 0 ? status : $"{status} {(body.Length > 120 ? body[..120] + "…" : body)}";
    }
}
