using System.Security.Cryptography;

namespace OpsBot.VllmSimulator.Chat;

/// <summary>Random lowercase hex like Python's <c>uuid4().hex[:n]</c>.</summary>
internal static class Ids
{
    public static string Hex(int length) =>
        RandomNumberGenerator.GetHexString(length, lowercase: true);
}
