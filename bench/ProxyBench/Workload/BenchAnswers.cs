using OpsBot.VllmSimulator;

namespace OpsBot.Bench.Workload;

/// <summary>What the simulated model answers in each phase.</summary>
internal static class BenchAnswers
{
    public const int PacedTokens = 10;
    public const double PacedTokensPerSecond = 50;

    /// <summary>The real answer to the captured question, generated instantly: the proxy is all that is measured.</summary>
    public const string FastText = "2 + 2 = 4.";

    /// <summary>Ten one-token words (the simulator gives a leading space and a short word one token each).</summary>
    public static string PacedText { get; } = string.Concat(Enumerable.Range(0, PacedTokens).Select(i => " w" + (i % 1000).ToString(System.Globalization.CultureInfo.InvariantCulture)));

    public static SimulatedAnswer Fast { get; } = SimulatedAnswer.Text(FastText);

    /// <summary>0.2 s of decoding at 50 tok/s, the first token right away (zero think time).</summary>
    public static SimulatedAnswer Paced { get; } = SimulatedAnswer.Text(PacedText) with { TokensPerSecond = PacedTokensPerSecond };

    /// <summary>A broken upstream's 500 whose body is one JSON object of <paramref name="bytes"/> bytes: <c>{"error":"EEE…"}</c>.</summary>
    public static SimulatedAnswer HugeError(int bytes)
    {
        const string Prefix = "{\"error\":\"", Suffix = "\"}";
        return SimulatedAnswer.Error(500, Prefix + new string('E', Math.Max(0, bytes - Prefix.Length - Suffix.Length)) + Suffix);
    }
}
