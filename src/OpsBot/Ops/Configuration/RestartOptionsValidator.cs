using Microsoft.Extensions.Options;

namespace OpsBot.Ops.Configuration;

public sealed class RestartOptionsValidator : IValidateOptions<RestartOptions>
{
    public ValidateOptionsResult Validate(string? name, RestartOptions o)
    {
        var errors = new ValidateOptionsResultBuilder();
        if (o.Cooldown < TimeSpan.Zero)
        {
            errors.AddError($"{RestartOptions.SectionName}:Cooldown must not be negative.");
        }

        if (o.AuditCapacity is < 1 or > 100_000)
        {
            errors.AddError($"{RestartOptions.SectionName}:AuditCapacity must be between 1 and 100000.");
        }

        return errors.Build();
    }
}
