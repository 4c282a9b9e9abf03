using Microsoft.Extensions.Options;

namespace OpsBot.Charts;

public sealed class ChartOptionsValidator : IValidateOptions<ChartOptions>
{
    public ValidateOptionsResult Validate(string? name, ChartOptions options) =>
        options.Size.Problem() is { } problem
            ? ValidateOptionsResult.Fail($"{ChartOptions.SectionName}:Width and {ChartOptions.SectionName}:Height: {problem}.")
            : ValidateOptionsResult.Success;
}
