using System.IO.Hashing;
using System.Text;

namespace OpsBot.ProxyCore.Proxy.Backends;

/// <summary>
/// Rendezvous (highest random weight) hashing: a key goes to the backend with the highest score of (key, backend).
/// Losing a backend moves only the keys it held; adding one takes about 1/n of the keys from each of the others.
/// Deterministic across processes, so two proxies in front of the same backends agree.
/// </summary>
internal static class RendezvousHash
{
    public static ulong Of(string text) => XxHash3.HashToUInt64(Encoding.UTF8.GetBytes(text));

    public static ulong Score(ulong key, ulong backend) => Mix(key ^ backend);

    /// <summary>SplitMix64's finaliser: XOR of two hashes is not itself well distributed.</summary>
    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
