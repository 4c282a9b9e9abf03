using System.Text;
using System.Text.RegularExpressions;

namespace OpsBot.Ops.Security;

/// <summary>
/// Removes secrets from text before it leaves OpsBot (Discord messages, logs of remote output).
/// Two layers: literal values known from configuration, then shapes that look like secrets
/// wherever they came from (a gateway log may print a token OpsBot never saw in its own config).
/// </summary>
/// <remarks>
/// The shapes: credentials named by their key (<c>"apiKey": "…"</c>, <c>'token': '…'</c>, <c>API_KEY=…</c>,
/// <c>aws_secret_access_key = …</c>, <c>--api-key …</c>), by their scheme (<c>Bearer …</c> of any length and case,
/// <c>Basic</c> base64 of <c>user:password</c>, Discord <c>Bot …</c>), by where they sit (the password of
/// <c>scheme://user:password@host</c>) and by their own format (OpenAI <c>sk-…</c>, AWS key ids, GitHub
/// <c>ghp_</c>/<c>github_pat_</c>, Hugging Face <c>hf_</c>, Discord tokens, JWTs, PEM private keys, which span
/// lines: <see cref="Redact(IEnumerable{string})"/> follows a block from one line to the next). A key name counts
/// when it <em>ends</em> in token/secret/password/key…, so <c>max_tokens: 256</c> stays readable.
/// </remarks>
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

        text = PrivateKeyBlock().Replace(text, m => $"{m.Groups["begin"].Value}{Mask}{m.Groups["end"].Value}");
        text = UrlPassword().Replace(text, m => $"{m.Groups["prefix"].Value}{Mask}@");
        text = JsonSecretProperty().Replace(text, m => $"{m.Groups["key"].Value}{m.Groups["sep"].Value}\"{Mask}\"");
        text = EnvironmentAssignment().Replace(text, m => $"{m.Groups["name"].Value}={Mask}");
        text = CommandLineFlag().Replace(text, m => $"{m.Groups["flag"].Value}{m.Groups["sep"].Value}{Mask}");
        text = BearerCredential().Replace(text, m => $"{m.Groups["scheme"].Value} {Mask}");
        text = BotCredential().Replace(text, m => $"{m.Groups["scheme"].Value} {Mask}");
        text = BasicCredential().Replace(text, m => IsUserAndPassword(m.Groups["value"].Value) ? $"{m.Groups["scheme"].Value} {Mask}" : m.Value);
        text = KeyValue().Replace(text, m => $"{m.Groups["key"].Value}{m.Groups["sep"].Value}{m.Groups["quote"].Value}{Mask}{m.Groups["quote"].Value}");
        text = KnownFormat().Replace(text, Mask);
        return text;
    }

    /// <summary>
    /// Redacts a log tail line by line, carrying a PEM private-key block across lines: from its BEGIN line to its
    /// END line (or the end of the tail when it was cut), every base64 run is masked, the lines' own prefixes kept.
    /// </summary>
    public IReadOnlyList<string> Redact(IEnumerable<string> lines)
    {
        var result = new List<string>();
        var inKey = false;
        foreach (var line in lines)
        {
            if (!inKey && PrivateKeyBegin().Match(line) is { Success: true } begin && !PrivateKeyEnd().IsMatch(line, begin.Index))
            {
                inKey = true;
                result.Add(Redact(line[..begin.Index]) + begin.Value + KeyMaterial().Replace(line[(begin.Index + begin.Length)..], Mask));
                continue;
            }

            if (inKey)
            {
                if (PrivateKeyEnd().Match(line) is { Success: true } end)
                {
                    inKey = false;
                    result.Add(KeyMaterial().Replace(line[..end.Index], Mask) + end.Value + Redact(line[(end.Index + end.Length)..]));
                }
                else
                {
                    result.Add(KeyMaterial().Replace(line, Mask));
                }

                continue;
            }

            result.Add(Redact(line));
        }

        return result;
    }

    /// <summary><c>Basic</c> is also an English word: only base64 that decodes to <c>user:password</c> is a credential.</summary>
    private static bool IsUserAndPassword(string value)
    {
        var bytes = new byte[value.Length];
        return Convert.TryFromBase64String(value, bytes, out var length) && Encoding.UTF8.GetString(bytes, 0, length).Contains(':', StringComparison.Ordinal);
    }

    // -----BEGIN [RSA |EC |OPENSSH |ENCRYPTED ]PRIVATE KEY----- … -----END … PRIVATE KEY----- in one text (real or \n-escaped newlines);
    // a block cut before its END is masked to the end of the text.
    [GeneratedRegex(@"(?<begin>-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----).*?(?<end>-----END [A-Z0-9 ]*PRIVATE KEY-----|\z)", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex PrivateKeyBlock();

    [GeneratedRegex(@"-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----", RegexOptions.CultureInvariant)]
    private static partial Regex PrivateKeyBegin();

    [GeneratedRegex(@"-----END [A-Z0-9 ]*PRIVATE KEY-----", RegexOptions.CultureInvariant)]
    private static partial Regex PrivateKeyEnd();

    // The body of a key block: base64 runs (a line of a PEM key is 64 of them).
    [GeneratedRegex(@"[A-Za-z0-9+/=]{16,}", RegexOptions.CultureInvariant)]
    private static partial Regex KeyMaterial();

    // scheme://user:password@host (the user stays: it says whose account, not how to get in).
    [GeneratedRegex(@"(?<prefix>\b[A-Za-z][A-Za-z0-9+.-]*://[^\s:/@]*:)(?!\[REDACTED\])[^\s/@]+@", RegexOptions.CultureInvariant)]
    private static partial Regex UrlPassword();

    // "apiKey": "…", "token": "…", "gatewayToken": "…" in JSON (string values only, so usage counts stay).
    [GeneratedRegex(@"(?<key>""(?:[A-Za-z0-9_-]*(?:token|apikey|api_key|api-key|secret|password|passwd|authorization)[A-Za-z0-9_-]*)"")(?<sep>\s*:\s*)""(?:[^""\\]|\\.)*""", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex JsonSecretProperty();

    // OPENCLAW_GATEWAY_TOKEN=…, VLLM_API_KEY=…, DISCORD_BOT_TOKEN='…', AWS_SECRET_ACCESS_KEY=… (shell/env style).
    [GeneratedRegex("""(?<name>\b[A-Z0-9_]*(?:TOKEN|API_KEY|APIKEY|SECRET|PASSWORD|PASSWD|ACCESS_KEY)[A-Z0-9_]*)=(?!\[REDACTED\])(?:"[^"]*"|'[^']*'|[^\s'"]+)""", RegexOptions.CultureInvariant)]
    private static partial Regex EnvironmentAssignment();

    // --api-key X, --api-key=X, --token X, --hf-token X, --password X (command lines in process listings and unit logs).
    [GeneratedRegex("""(?<flag>(?<![\w-])--?(?:[a-z0-9]+-)*(?:api-?key|token|secret|password|passwd))(?<sep>[ =]+)(?!\[REDACTED\])(?:"[^"]*"|'[^']*'|[^\s'"]+)""", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex CommandLineFlag();

    // Authorization: Bearer …, in any case and of any length (a short token is still a token).
    [GeneratedRegex("""(?<scheme>\b[Bb][Ee][Aa][Rr][Ee][Rr])\s+(?!\[REDACTED\])[A-Za-z0-9._~+/=-]+""", RegexOptions.CultureInvariant)]
    private static partial Regex BearerCredential();

    // Authorization: Bot … (Discord); "Bot" is a common word, so only a long token after it.
    [GeneratedRegex("""(?<scheme>\bBot)\s+(?!\[REDACTED\])[A-Za-z0-9._~+/=-]{8,}""", RegexOptions.CultureInvariant)]
    private static partial Regex BotCredential();

    [GeneratedRegex("""(?<scheme>\b[Bb]asic)\s+(?<value>[A-Za-z0-9+/]{4,}={0,2})(?![A-Za-z0-9+/=])""", RegexOptions.CultureInvariant)]
    private static partial Regex BasicCredential();

    // apiKey: …, api_key=…, 'token': '…', aws_secret_access_key = …, db.password: … outside JSON (YAML, INI, query
    // strings, Python reprs, log fields). The key must end with the secret word: max_tokens and token_type stay.
    [GeneratedRegex("""(?<key>(?<![\w.-])['"]?[A-Za-z0-9_.-]*(?:api[_-]?key|apikey|token|secret|secret[_-]?key|access[_-]?key|password|passwd|private[_-]?key|credentials?)['"]?)(?<sep>\s*[:=]\s*)(?!\[REDACTED\])(?:(?<quote>['"])(?:(?!\k<quote>).)*\k<quote>|[^\s,;&}\]'"]+)""", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex KeyValue();

    // Secrets recognisable by their own format: OpenAI sk-… (sk-proj-…), AWS access key ids, GitHub tokens, Hugging Face
    // tokens, Discord bot tokens (base64 user id . timestamp . hmac), JWTs.
    [GeneratedRegex("""\bsk-[A-Za-z0-9][A-Za-z0-9_-]{11,}|\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}\b|\bgh[pousr]_[A-Za-z0-9]{20,}|\bgithub_pat_[A-Za-z0-9_]{20,}|\bhf_[A-Za-z0-9]{20,}|\b[MNO][A-Za-z0-9_-]{22,30}\.[A-Za-z0-9_-]{5,8}\.[A-Za-z0-9_-]{25,45}\b|\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}""", RegexOptions.CultureInvariant)]
    private static partial Regex KnownFormat();
}
