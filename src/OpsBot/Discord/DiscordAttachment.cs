namespace OpsBot.Discord;

/// <summary>A file uploaded with a message (sent as multipart <c>files[n]</c>).</summary>
public sealed record DiscordAttachment(string FileName, ReadOnlyMemory<byte> Content, string? Description = null, string ContentType = "text/plain");
