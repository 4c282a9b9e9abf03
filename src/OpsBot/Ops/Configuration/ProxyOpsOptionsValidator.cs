using Microsoft.Extensions.Options;

namespace OpsBot.Ops.Configuration;

public sealed class ProxyOpsOptionsValidator : IValidateOptions<ProxyOpsOptions>
{
    public ValidateOptionsResult Validate(string? name, ProxyOpsOptions o)
    {
        var errors = new ValidateOptionsResultBuilder();
        if (o.BaseUrl is { } url && (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)))
        {
            errors.AddError($"{ProxyOpsOptions.SectionName}:BaseUrl must be an absolute http(s) URL such as http://127.0.0.1:8003 (got '{o.BaseUrl}').");
        }

        if (o.SmokeTestTimeout <= TimeSpan.Zero || o.RestartReadyTimeout <= TimeSpan.Zero || o.ReadyPollInterval <= TimeSpan.Zero)
        {
            errors.AddError($"{ProxyOpsOptions.SectionName}: SmokeTestTimeout, RestartReadyTimeout and ReadyPollInterval must be positive.");
        }

        if (o.LogBufferCapacity is < 10 or > 100_000)
        {
            errors.AddError($"{ProxyOpsOptions.SectionName}:LogBufferCapacity must be between 10 and 100000 (got {o.LogBufferCapacity}).");
        }

        return errors.Build();
    }
}
