using Microsoft.Extensions.Options;

namespace OpsBot.Ops.Configuration;

public sealed class DockerOpsOptionsValidator : IValidateOptions<DockerOpsOptions>
{
    private static readonly string[] AllowedSchemes = ["unix", "tcp", "http", "https"];

    public ValidateOptionsResult Validate(string? name, DockerOpsOptions options)
    {
        if (options.Endpoint is not { IsAbsoluteUri: true } endpoint || !AllowedSchemes.Contains(endpoint.Scheme))
        {
            return ValidateOptionsResult.Fail(
                $"{DockerOpsOptions.SectionName}:Endpoint must be unix:///path/to/docker.sock or tcp://host:port (got '{options.Endpoint}').");
        }

        return ValidateOptionsResult.Success;
    }
}
