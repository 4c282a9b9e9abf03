using Microsoft.Extensions.Options;

namespace OpsBot.Ops.Configuration;

public sealed class VllmOpsOptionsValidator : IValidateOptions<VllmOpsOptions>
{
    public ValidateOptionsResult Validate(string? name, VllmOpsOptions options)
    {
        var failures = new List<string>();
        if (options.BaseUrl is not { IsAbsoluteUri: true } url || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            failures.Add($"{VllmOpsOptions.SectionName}:BaseUrl must be an absolute http(s) URL such as http://127.0.0.1:8000 (got '{options.BaseUrl}').");
        }

        if (options.ContainerConfigured && !OpsPatterns.ContainerName().IsMatch(options.ContainerName!))
        {
            failures.Add($"{VllmOpsOptions.SectionName}:ContainerName '{options.ContainerName}' is not a valid Docker container name ([A-Za-z0-9][A-Za-z0-9_.-]*).");
        }

        if (options.RestartReadyTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{VllmOpsOptions.SectionName}:RestartReadyTimeout must be positive.");
        }

        if (options.ReadyPollInterval <= TimeSpan.Zero)
        {
            failures.Add($"{VllmOpsOptions.SectionName}:ReadyPollInterval must be positive.");
        }

        if (options.StopTimeoutSeconds is < 0 or > 600)
        {
            failures.Add($"{VllmOpsOptions.SectionName}:StopTimeoutSeconds must be between 0 and 600.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
