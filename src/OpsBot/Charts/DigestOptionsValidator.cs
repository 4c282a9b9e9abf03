using Microsoft.Extensions.Options;

namespace OpsBot.Charts;

public sealed class DigestOptionsValidator : IValidateOptions<DigestOptions>
{
    public ValidateOptionsResult Validate(string? name, DigestOptions options)
    {
        DigestSchedule.From(options, TimeZoneInfo.Local, out var problem);
        return problem is null ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problem);
    }
}
