using Microsoft.Extensions.Options;

namespace OpsBot.Ops.Configuration;

/// <param name="section">The entry's key in messages: <c>Ops:Vllm</c>, or <c>Ops:Vllm:1</c> in the list form.</param>
public sealed class VllmOpsOptionsValidator(string section = VllmOpsOptions.SectionName) : IValidateOptions<VllmOpsOptions>
{
    public ValidateOptionsResult Validate(string? name, VllmOpsOptions options)
    {
        var errors = new ValidateOptionsResultBuilder();
        if (options.BaseUrl is not { IsAbsoluteUri: true } url || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            errors.AddError($"{section}:BaseUrl must be an absolute http(s) URL such as http://127.0.0.1:8000 (got '{options.BaseUrl}').");
        }

        if (options.ContainerConfigured && !OpsPatterns.ContainerName().IsMatch(options.ContainerName!))
        {
            errors.AddError($"{section}:ContainerName '{options.ContainerName}' is not a valid Docker container name ([A-Za-z0-9][A-Za-z0-9_.-]*).");
        }

        if (options.RestartReadyTimeout <= TimeSpan.Zero)
        {
            errors.AddError($"{section}:RestartReadyTimeout must be positive.");
        }

        if (options.ReadyPollInterval <= TimeSpan.Zero)
        {
            errors.AddError($"{section}:ReadyPollInterval must be positive.");
        }

        if (options.StopTimeoutSeconds is < 0 or > 600)
        {
            errors.AddError($"{section}:StopTimeoutSeconds must be between 0 and 600.");
        }

        return errors.Build();
    }
}
