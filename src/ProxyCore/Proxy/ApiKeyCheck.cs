using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Primitives;

namespace OpsBot.ProxyCore.Proxy;

/// <summary>
/// Checks <c>Authorization: Bearer &lt;key&gt;</c> against <see cref="ProxyOptions.ApiKeys"/> in constant time: every
/// key's SHA-256 is compared with the presented one's (same length whatever was sent) by
/// <see cref="CryptographicOperations.FixedTimeEquals"/>, all of them every time, so neither a key's length nor
/// its first differing byte shows in the time an answer takes.
/// </summary>
internal sealed class ApiKeyCheck
{
    private static ReadOnlySpan<byte> BearerPrefix => "Bearer "u8;

    private readonly byte[][] _hashes;

    public ApiKeyCheck(IEnumerable<string> keys) =>
        _hashes = keys.Where(k => !string.IsNullOrEmpty(k)).Select(k => SHA256.HashData(Encoding.UTF8.GetBytes(k))).ToArray();

    /// <summary>False when no key is configured: the proxy is open, as the Python proxy was.</summary>
    public bool Enabled => _hashes.Length > 0;

    public bool IsAuthorized(StringValues authorization)
    {
        if (authorization.Count != 1 || authorization[0] is not { } header)
        {
            return false;
        }

        var bytes = Encoding.UTF8.GetBytes(header);
        // The scheme is case-insensitive (RFC 9110); the key is not.
        if (bytes.Length <= BearerPrefix.Length || !Ascii.EqualsIgnoreCase(bytes.AsSpan(0, BearerPrefix.Length), BearerPrefix))
        {
            return false;
        }

        Span<byte> presented = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(bytes.AsSpan(BearerPrefix.Length).Trim((byte)' '), presented);
        var match = false;
        foreach (var hash in _hashes)
        {
            match |= CryptographicOperations.FixedTimeEquals(hash, presented);
        }

        return match;
    }
}
