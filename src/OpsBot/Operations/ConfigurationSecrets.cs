using System.Text.RegularExpressions;

namespace OpsBot.Operations;

/// <summary>
/// Masks the values of secret-looking configuration keys in text. A validator message may quote a value;
/// check-config output is pasted into chats and tickets, so a token must never survive into it.
/// </summary>
public static partial class ConfigurationSecrets
{
    public const string Mask = "***";

    // Short values (e.g. "1" for a flag named *Key*) would mask unrelated text and protect nothing.
    private const int MinSecretLength = 6;

    public static IReadOnlyList<string> Values(IConfiguration configuration) =>
        configuration.AsEnumerable()
            .Where(kv => kv.Value is { Length: >= MinSecretLength } && IsSecretKey(kv.Key))
            .Select(kv => kv.Value!)
            .Distinct(StringComparer.Ordinal)
            .OrderByDescending(v => v.Length)
            .ToList();

    /// <summary>
    /// A key that names a secret (<c>Discord:Token</c>, <c>Ops:Gateway:PrivateKeyPassphrase</c>, <c>Proxy:ApiKeys:0</c>),
    /// but not one that names where a secret is kept (<c>Ops:Gateway:PrivateKeyPath</c>): a path helps whoever reads
    /// check-config and gives nothing away.
    /// </summary>
    public static bool IsSecretKey(string key) => SecretKey().IsMatch(key) && !LocationKey().IsMatch(key);

    public static string Redact(string text, IReadOnlyList<string> secrets)
    {
        foreach (var secret in secrets)
        {
            text = text.Replace(secret, Mask, StringComparison.Ordinal);
        }

        return text;
    }

    [GeneratedRegex(@"(token|secret|password|passphrase|apikey|api_key|api-key|privatekey|private_key|credential|webhook)", RegexOptions.IgnoreCase)]
    private static partial Regex SecretKey();

    [GeneratedRegex(@"(path|file|directory|dir)$", RegexOptions.IgnoreCase)]
    private static partial Regex LocationKey();
}
