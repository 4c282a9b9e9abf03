using Microsoft.Extensions.Options;

namespace OpsBot.Ops.Configuration;

public sealed class MonitorOptionsValidator : IValidateOptions<MonitorOptions>
{
    public ValidateOptionsResult Validate(string? name, MonitorOptions o)
    {
        var failures = new List<string>();
        if (o.Interval < TimeSpan.FromSeconds(1))
        {
            failures.Add($"{MonitorOptions.SectionName}:Interval must be at least 1 second (got {o.Interval}).");
        }

        if (o.ProbeTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{MonitorOptions.SectionName}:ProbeTimeout must be positive.");
        }

        if (o.ConfirmationProbes is < 1 or > 20)
        {
            failures.Add($"{MonitorOptions.SectionName}:ConfirmationProbes must be between 1 and 20 (got {o.ConfirmationProbes}).");
        }

        if (o.HistoryCapacity is < 1 or > 100_000)
        {
            failures.Add($"{MonitorOptions.SectionName}:HistoryCapacity must be between 1 and 100000.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
