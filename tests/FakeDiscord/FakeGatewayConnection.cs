using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;

namespace OpsBot.FakeDiscord;

/// <summary>One accepted gateway socket on the fake.</summary>
public sealed class FakeGatewayConnection(int number, string path, WebSocket socket, int chunkSize)
{
    private readonly SemaphoreSlim _sendLock = new(1, 1);

    public int Number { get; } = number;

    public string Path { get; } = path;

    internal WebSocket Socket { get; } = socket;

    public async Task SendAsync(JsonNode payload)
    {
        var bytes = Encoding.UTF8.GetBytes(payload.ToJsonString());
        await _sendLock.WaitAsync();
        try
        {
            // Deliberately fragmented so the client must reassemble messages.
            for (var offset = 0; offset < bytes.Length; offset += chunkSize)
            {
                var count = Math.Min(chunkSize, bytes.Length - offset);
                await Socket.SendAsync(bytes.AsMemory(offset, count), WebSocketMessageType.Text, offset + count >= bytes.Length, CancellationToken.None);
            }
        }
        finally
        {
            _sendLock.Release();
        }
    }

    public async Task CloseAsync(int code, string reason)
    {
        await _sendLock.WaitAsync();
        try
        {
            await Socket.CloseOutputAsync((WebSocketCloseStatus)code, reason, CancellationToken.None);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    public void Abort() => Socket.Abort();

    /// <summary>One whole message as sent (reassembled from its frames); null when the client closed.</summary>
    internal async Task<byte[]?> ReceiveBytesAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[8192];
        using var message = new MemoryStream();
        while (true)
        {
            var result = await Socket.ReceiveAsync(buffer, cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                return message.ToArray();
            }
        }
    }
}
