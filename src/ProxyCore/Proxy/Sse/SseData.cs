namespace OpsBot.ProxyCore.Proxy.Sse;

/// <summary>One SSE <c>data:</c> payload as read from upstream.</summary>
/// <param name="Data">The payload; valid only until the next one is read.</param>
/// <param name="MoreBuffered">Another line already arrived with this one, so what it produces can be sent together with what follows.</param>
internal readonly record struct SseData(ReadOnlyMemory<byte> Data, bool MoreBuffered);
