using Microsoft.Extensions.Options;

namespace OpsBot.Ops.Configuration;

public sealed class RestartOptionsValidator : IValidateOptions<RestartOptions>
{
    public ValidateOptionsResult Validate(string? name, RestartOptions o)
    {
        var failures = new List<string>();
        if (o.Cooldown < TimeSpan.Zero)
        {
            failures.Add($"{RestartOptions.SectionName}:Cooldown must not be negative.");
        }

        if (o.AuditCapacity is < 1 or > 100_000)
        {
            failures.Add($"{RestartOptions.SectionName}:AuditCapacity must be between 1 and 100000.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
