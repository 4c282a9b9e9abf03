using System.Globalization;
using OpsBot.Bench.Hosts;
using OpsBot.VllmSimulator;

namespace OpsBot.Bench.Backends;

/// <summary>
/// <c>ProxyBench backend</c>: one vLLM simulator with the prefix-cache model, as one of the multi-backend run's servers.
/// Arguments: <c>PREFILL_TPS DECODE_TPS CACHE_TOKENS ANSWER_TOKENS</c>. Exits when stdin closes (or is killed, which is the point).
/// </summary>
internal static class BackendChild
{
    public static async Task<int> RunAsync(string[] args)
    {
        var prefill = double.Parse(args[0], CultureInfo.InvariantCulture);
        var decode = double.Parse(args[1], CultureInfo.InvariantCulture);
        var cacheTokens = long.Parse(args[2], CultureInfo.InvariantCulture);
        var answerTokens = int.Parse(args[3], CultureInfo.InvariantCulture);
        await using var server = await VllmSimulatorServer.StartAsync(new SimulatorOptions
        {
            Port = 0,
            PrefillTokensPerSecond = prefill,
            SharedPrefill = true,
            PrefixCacheTokens = cacheTokens,
            PrefixCacheEntries = int.MaxValue,
            MaxRecordedRequests = 1,
        });
        server.DefaultAnswer = SimulatedAnswer.Text(AgentWorkload.AnswerText(answerTokens)) with { TokensPerSecond = decode };
        Console.WriteLine(SimulatorChild.Ready + server.BaseUrl);
        while (await Console.In.ReadLineAsync() is not null)
        {
        }

        return 0;
    }
}
