using Microsoft.Extensions.Options;

namespace OpsBot.ProxyCore.Proxy;

/// <summary>Start-up checks that DataAnnotations cannot express, with messages a newcomer can act on.</summary>
public sealed class ProxyOptionsValidator : IValidateOptions<ProxyOptions>
{
    public ValidateOptionsResult Validate(string? name, ProxyOptions options)
    {
        var errors = new ValidateOptionsResultBuilder();
        var urls = options.VllmUrls;
        if (urls.Count == 0)
        {
            errors.AddError("Proxy:VllmUrl (--vllm-url) must name at least one vLLM base URL such as http://127.0.0.1:8000.");
        }

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var url in urls)
        {
            var shown = UrlSecrets.Mask(url);
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                errors.AddError($"Proxy:VllmUrl (--vllm-url) must be an absolute http(s) URL such as http://127.0.0.1:8000, got '{shown}'.");
            }
            else if (uri.AbsolutePath.TrimEnd('/').EndsWith("/v1", StringComparison.Ordinal))
            {
                errors.AddError($"Proxy:VllmUrl (--vllm-url) is vLLM's base URL without /v1 (the proxy appends /v1/...), got '{shown}'.");
            }
            else if (!seen.Add(uri.GetLeftPart(UriPartial.Path).TrimEnd('/')))
            {
                // Listed twice, one server would get twice the share of conversations and count as two in failover.
                errors.AddError($"Proxy:VllmUrl (--vllm-url) lists '{shown}' more than once.");
            }
        }

        if (options.BackendCooldown < TimeSpan.Zero)
        {
            errors.AddError($"Proxy:BackendCooldown must be zero or positive, got '{options.BackendCooldown}'.");
        }

        if (options.HealthProbeInterval <= TimeSpan.Zero)
        {
            errors.AddError($"Proxy:HealthProbeInterval must be positive, got '{options.HealthProbeInterval}'.");
        }

        if (options.UpstreamTimeout <= TimeSpan.Zero)
        {
            errors.AddError($"Proxy:UpstreamTimeout must be positive, got '{options.UpstreamTimeout}'.");
        }

        if (options.UpstreamWait < TimeSpan.Zero)
        {
            errors.AddError($"Proxy:UpstreamWait must be zero or positive, got '{options.UpstreamWait}'.");
        }

        if (!System.Net.IPAddress.TryParse(options.Host, out _) && options.Host is not ("localhost" or "*" or "+"))
        {
            errors.AddError($"Proxy:Host (--host) must be an IP address or 'localhost', got '{options.Host}'.");
        }

        for (var i = 0; i < options.ApiKeys.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(options.ApiKeys[i]) || options.ApiKeys[i].Trim() != options.ApiKeys[i])
            {
                // The key itself is never quoted: this message is printed and logged.
                errors.AddError($"Proxy:ApiKeys:{i} must be a key without spaces around it; an empty one would let anyone in with an empty bearer.");
            }
        }

        return errors.Build();
    }
}
