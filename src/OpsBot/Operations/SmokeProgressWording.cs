using System.Globalization;
using OpsBot.Ops;

namespace OpsBot.Operations;

/// <summary>
/// How a front end words the line before and after each smoke test, and the line before the tests of each gateway when
/// several are run (<see cref="OnGateway"/>; default <c>gateway beta:</c>); the tests' own step lines pass through as they are.
/// </summary>
public sealed record SmokeProgressWording(Func<SmokeTestKind, string> Starting, Func<SmokeTestResult, string> Finished, Func<string, string>? OnGateway = null)
{
    /// <summary>The CLI's and the admin socket's: <c>"What is 2+2?": passed in 3.1 s</c> (<c>"What is 2+2?" on beta: …</c> with several gateways).</summary>
    public static SmokeProgressWording Plain { get; } = new(
        kind => $"{SmokeTestNames.Describe(kind)}: running…",
        result => string.Create(CultureInfo.InvariantCulture, $"{SmokeTestNames.Describe(result.Kind)}{SmokeTestNames.On(result)}: {(result.Passed ? "passed" : "FAILED")} in {result.Elapsed.TotalSeconds:0.0} s"));

    public string Gateway(string name) => OnGateway?.Invoke(name) ?? $"gateway {name}:";
}
