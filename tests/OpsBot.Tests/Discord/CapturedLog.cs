using Microsoft.Extensions.Logging;

namespace OpsBot.Tests.Discord;

public sealed record CapturedLog(string Category, LogLevel Level, string Message, string? Exception)
{
    public override string ToString() => $"{Level} {Category}: {Message} {Exception}";
}
