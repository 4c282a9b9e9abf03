using Microsoft.Extensions.Options;

namespace OpsBot.ProxyCore.Proxy;

/// <summary>Start-up checks that DataAnnotations cannot express, with messages a newcomer can act on.</summary>
public sealed class ProxyOptionsValidator : IValidateOptions<ProxyOptions>
{
    public ValidateOptionsResult Validate(string? name, ProxyOptions options)
    {
        var failures = new List<string>();
        if (!Uri.TryCreate(options.VllmUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            failures.Add($"Proxy:VllmUrl (--vllm-url) must be an absolute http(s) URL such as http://127.0.0.1:8000, got '{options.VllmDisplayUrl}'.");
        }
        else if (uri.AbsolutePath.TrimEnd('/').EndsWith("/v1", StringComparison.Ordinal))
        {
            failures.Add($"Proxy:VllmUrl (--vllm-url) is vLLM's base URL without /v1 (the proxy appends /v1/...), got '{options.VllmDisplayUrl}'.");
        }

        if (options.UpstreamTimeout <= TimeSpan.Zero)
        {
            failures.Add($"Proxy:UpstreamTimeout must be positive, got '{options.UpstreamTimeout}'.");
        }

        if (options.UpstreamWait < TimeSpan.Zero)
        {
            failures.Add($"Proxy:UpstreamWait must be zero or positive, got '{options.UpstreamWait}'.");
        }

        if (!System.Net.IPAddress.TryParse(options.Host, out _) && options.Host is not ("localhost" or "*" or "+"))
        {
            failures.Add($"Proxy:Host (--host) must be an IP address or 'localhost', got '{options.Host}'.");
        }

        for (var i = 0; i < options.ApiKeys.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(options.ApiKeys[i]) || options.ApiKeys[i].Trim() != options.ApiKeys[i])
            {
                // The key itself is never quoted: this message is printed and logged.
                failures.Add($"Proxy:ApiKeys:{i} must be a key without spaces around it; an empty one would let anyone in with an empty bearer.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
