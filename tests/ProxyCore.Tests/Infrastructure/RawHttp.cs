using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace OpsBot.ProxyCore.Tests.Infrastructure;

/// <summary>
/// HTTP/1.1 over a raw socket, for what HttpClient will not send (bad chunk framing, a body that stalls) or will not
/// report (an answer that arrives while the upload is still going).
/// </summary>
public static class RawHttp
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Sends <paramref name="head"/> (request line and headers, without the blank line) then each body part, and reads
    /// the answer; the connection stays open until it comes, so a body sent short is a body that stalls.
    /// </summary>
    public static async Task<RawResponse> SendAsync(Uri baseUrl, string head, IEnumerable<byte[]> parts)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(baseUrl.Host, baseUrl.Port);
        var stream = tcp.GetStream();
        var answer = ReadResponseAsync(stream);
        try
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head.TrimEnd() + $"\r\nHost: {baseUrl.Authority}\r\n\r\n"));
            foreach (var part in parts)
            {
                if (answer.IsCompleted)
                {
                    break;
                }

                await stream.WriteAsync(part);
            }
        }
        catch (IOException)
        {
            // The server answered and closed while the body was still going; its answer is what counts.
        }

        return await answer.WaitAsync(Timeout);
    }

    /// <summary>A chat request of about <paramref name="bytes"/> bytes sent with <c>Transfer-Encoding: chunked</c> in 64 KiB chunks, generated as it goes.</summary>
    public static Task<RawResponse> PostChunkedAsync(Uri baseUrl, long bytes) =>
        SendAsync(baseUrl, "POST /v1/chat/completions HTTP/1.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked", ChunkedChatBody(bytes));

    public static byte[] Chunk(string data) => Chunk(Encoding.UTF8.GetBytes(data));

    public static byte[] Chunk(byte[] data) => [.. Encoding.ASCII.GetBytes(data.Length.ToString("X", CultureInfo.InvariantCulture) + "\r\n"), .. data, .. "\r\n"u8];

    public static byte[] LastChunk { get; } = "0\r\n\r\n"u8.ToArray();

    private static IEnumerable<byte[]> ChunkedChatBody(long bytes)
    {
        yield return Chunk("""{"model":"Qwen/Qwen3-Coder-Next-FP8","messages":[{"role":"user","content":" """);
        var filler = Chunk(new string('x', 64 * 1024));
        for (long sent = 0; sent < bytes; sent += 64 * 1024)
        {
            yield return filler;
        }

        yield return Chunk("\"}]}");
        yield return LastChunk;
    }

    private static async Task<RawResponse> ReadResponseAsync(NetworkStream stream)
    {
        var received = new List<byte>();
        var buffer = new byte[16 * 1024];
        int headEnd;
        while ((headEnd = IndexOf(received, "\r\n\r\n"u8)) < 0)
        {
            var read = await ReadAsync(stream, buffer);
            if (read == 0)
            {
                return new RawResponse(0, new Dictionary<string, string>(), "");
            }

            received.AddRange(buffer.AsSpan(0, read));
        }

        var lines = Encoding.ASCII.GetString(received.GetRange(0, headEnd).ToArray()).Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1], CultureInfo.InvariantCulture);
        var headers = lines.Skip(1).Select(l => l.Split(':', 2)).ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.OrdinalIgnoreCase);
        var body = received.GetRange(headEnd + 4, received.Count - headEnd - 4);
        if (headers.TryGetValue("Content-Length", out var length))
        {
            while (body.Count < int.Parse(length, CultureInfo.InvariantCulture))
            {
                var read = await ReadAsync(stream, buffer);
                if (read == 0) break;
                body.AddRange(buffer.AsSpan(0, read));
            }
        }
        else if (headers.TryGetValue("Transfer-Encoding", out var encoding) && encoding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            while (IndexOf(body, "0\r\n\r\n"u8) < 0)
            {
                var read = await ReadAsync(stream, buffer);
                if (read == 0) break;
                body.AddRange(buffer.AsSpan(0, read));
            }

            body = Dechunk(body);
        }

        return new RawResponse(status, headers, Encoding.UTF8.GetString(body.ToArray()));
    }

    private static async Task<int> ReadAsync(NetworkStream stream, byte[] buffer)
    {
        try
        {
            return await stream.ReadAsync(buffer);
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private static List<byte> Dechunk(List<byte> chunked)
    {
        var data = new List<byte>();
        var at = 0;
        while (true)
        {
            var lineEnd = IndexOf(chunked.GetRange(at, chunked.Count - at), "\r\n"u8);
            var size = int.Parse(Encoding.ASCII.GetString(chunked.GetRange(at, lineEnd).ToArray()), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            if (size == 0) return data;
            data.AddRange(chunked.GetRange(at + lineEnd + 2, size));
            at += lineEnd + 2 + size + 2;
        }
    }

    private static int IndexOf(List<byte> bytes, ReadOnlySpan<byte> value) =>
        System.Runtime.InteropServices.CollectionsMarshal.AsSpan(bytes).IndexOf(value);
}

public sealed record RawResponse(int Status, IReadOnlyDictionary<string, string> Headers, string Body);
