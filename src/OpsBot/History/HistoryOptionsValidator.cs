using Microsoft.Extensions.Options;

namespace OpsBot.History;

public sealed class HistoryOptionsValidator : IValidateOptions<HistoryOptions>
{
    public ValidateOptionsResult Validate(string? name, HistoryOptions options)
    {
        var errors = new ValidateOptionsResultBuilder();
        if (options.RetentionDays is < 1 or > 3650)
        {
            errors.AddError($"History:RetentionDays must be between 1 and 3650 (got {options.RetentionDays}).");
        }

        if (options.BusyTimeout < TimeSpan.FromSeconds(1) || options.BusyTimeout > TimeSpan.FromMinutes(5))
        {
            errors.AddError($"History:BusyTimeout must be between 00:00:01 and 00:05:00 (got {options.BusyTimeout}).");
        }

        if (options.RetryAfter < TimeSpan.FromSeconds(1))
        {
            errors.AddError($"History:RetryAfter must be at least 00:00:01 (got {options.RetryAfter}).");
        }

        if (!string.IsNullOrWhiteSpace(options.DatabasePath) && options.DatabasePath.IndexOfAny(Path.GetInvalidPathChars()) >= 0)
        {
            errors.AddError("History:DatabasePath contains characters that are not valid in a path.");
        }

        return errors.Build();
    }
}
