using System.Text.RegularExpressions;

namespace OpsBot.Ops.Security;

/// <summary>
/// Removes secrets from text before it leaves OpsBot (Discord messages, logs of remote output).
/// Two layers: literal values known from configuration, then shapes that look like secrets
/// wherever they came from (a gateway log may print a token OpsBot never saw in its own config).
/// </summary>
public sealed partial class SecretRedactor
{
    public const string Mask = "[REDACTED]";

    private const int MinimumKnownSecretLength = 6;

    private readonly string[] _knownSecrets;

    public SecretRedactor(IEnumerable<string?> knownSecrets)
    {
        // Longest first so a secret that contains another is masked whole.
        _knownSecrets = knownSecrets
            .Where(s => !string.IsNullOrWhiteSpace(s) && s.Trim().Length >= MinimumKnownSecretLength)
            .Select(s => s!.Trim())
            .Distinct(StringComparer.Ordinal)
            .OrderByDescending(s => s.Length)
            .ToArray();
    }

    public static SecretRedactor PatternsOnly { get; } = new([]);

    public string Redact(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? "";
        }

        foreach (var secret in _knownSecrets)
        {
            text = text.Replace(secret, Mask, StringComparison.Ordinal);
        }

        text = JsonSecretProperty().Replace(text, m => $"{m.Groups["key"].Value}{m.Groups["sep"].Value}\"{Mask}\"");
        text = EnvironmentAssignment().Replace(text, m => $"{m.Groups["name"].Value}={Mask}");
        text = BearerOrBotCredential().Replace(text, m => $"{m.Groups["scheme"].Value} {Mask}");
        text = LooseKeyValue().Replace(text, m => $"{m.Groups["key"].Value}{m.Groups["sep"].Value}{Mask}");
        text = DiscordToken().Replace(text, Mask);
        text = Jwt().Replace(text, Mask);
        return text;
    }

    public IReadOnlyList<string> Redact(IEnumerable<string> lines) => lines.Select(Redact).ToArray();

    // "apiKey": "…", "token": "…", "gatewayToken": "…" in JSON (string values only, so usage counts stay).
    [GeneratedRegex(@"(?<key>""(?:[A-Za-z0-9_-]*(?:token|apikey|api_key|api-key|secret|password|passwd|authorization)[A-Za-z0-9_-]*)"")(?<sep>\s*:\s*)""(?:[^""\\]|\\.)*""", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex JsonSecretProperty();

    // OPENCLAW_GATEWAY_TOKEN=…, VLLM_API_KEY=…, DISCORD_BOT_TOKEN='…' (shell/env style).
    [GeneratedRegex("""(?<name>\b[A-Z0-9_]*(?:TOKEN|API_KEY|APIKEY|SECRET|PASSWORD|PASSWD)[A-Z0-9_]*)=(?:"[^"]*"|'[^']*'|[^\s'"]+)""", RegexOptions.CultureInvariant)]
    private static partial Regex EnvironmentAssignment();

    // Authorization: Bearer …, Authorization: Bot … (Discord).
    [GeneratedRegex("""(?<scheme>\b(?:Bearer|Bot))\s+(?!\[REDACTED\])[A-Za-z0-9._~+/=-]{8,}""", RegexOptions.CultureInvariant)]
    private static partial Regex BearerOrBotCredential();

    // apiKey: …, api_key=…, token=…, secret: … outside JSON (YAML, query strings, log fields).
    [GeneratedRegex("""(?<key>\b(?:api[_-]?key|apikey|token|access[_-]?token|secret|password))(?<sep>\s*[:=]\s*)(?!\[REDACTED\])(?!")[^\s,;&}\]]+""", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex LooseKeyValue();

    // Discord bot token: base64(user id).timestamp.hmac.
    [GeneratedRegex("""\b[MNO][A-Za-z0-9_-]{22,30}\.[A-Za-z0-9_-]{5,8}\.[A-Za-z0-9_-]{25,45}\b""", RegexOptions.CultureInvariant)]
    private static partial Regex DiscordToken();

    [GeneratedRegex("""\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}""", RegexOptions.CultureInvariant)]
    private static partial Regex Jwt();
}
