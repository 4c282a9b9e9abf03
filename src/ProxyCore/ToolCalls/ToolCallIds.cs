using System.Security.Cryptography;

namespace OpsBot.ProxyCore.ToolCalls;

/// <summary>Ids in vLLM's non-streaming shape (<c>chatcmpl-tool-</c> + 32 hex) so clients see one convention.</summary>
internal static class ToolCallIds
{
    public const string Prefix = "chatcmpl-tool-";

    public static string New()
    {
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes);
        return Prefix + Convert.ToHexStringLower(bytes);
    }
}
