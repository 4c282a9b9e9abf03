using Microsoft.Extensions.Options;

namespace OpsBot.Ops.Configuration;

public sealed class MonitorOptionsValidator : IValidateOptions<MonitorOptions>
{
    public ValidateOptionsResult Validate(string? name, MonitorOptions o)
    {
        var errors = new ValidateOptionsResultBuilder();
        if (o.Interval < TimeSpan.FromSeconds(1))
        {
            errors.AddError($"{MonitorOptions.SectionName}:Interval must be at least 1 second (got {o.Interval}).");
        }

        if (o.ProbeTimeout <= TimeSpan.Zero)
        {
            errors.AddError($"{MonitorOptions.SectionName}:ProbeTimeout must be positive.");
        }

        if (o.ConfirmationProbes is < 1 or > 20)
        {
            errors.AddError($"{MonitorOptions.SectionName}:ConfirmationProbes must be between 1 and 20 (got {o.ConfirmationProbes}).");
        }

        if (o.HistoryCapacity is < 1 or > 100_000)
        {
            errors.AddError($"{MonitorOptions.SectionName}:HistoryCapacity must be between 1 and 100000.");
        }

        return errors.Build();
    }
}
