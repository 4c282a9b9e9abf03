using System.Globalization;
using OpsBot.Ops;

namespace OpsBot.Operations;

/// <summary>How a front end words the line before and after each smoke test; the tests' own step lines pass through as they are.</summary>
public sealed record SmokeProgressWording(Func<SmokeTestKind, string> Starting, Func<SmokeTestResult, string> Finished)
{
    /// <summary>The CLI's and the admin socket's: <c>"What is 2+2?": passed in 3.1 s</c>.</summary>
    public static SmokeProgressWording Plain { get; } = new(
        kind => $"{SmokeTestNames.Describe(kind)}: running…",
        result => string.Create(CultureInfo.InvariantCulture, $"{SmokeTestNames.Describe(result.Kind)}: {(result.Passed ? "passed" : "FAILED")} in {result.Elapsed.TotalSeconds:0.0} s"));
}
