using OpsBot.Bench.Workload;
using OpsBot.VllmSimulator;

namespace OpsBot.Bench.Hosts;

/// <summary>
/// <c>ProxyBench simulator</c>: the vLLM simulator in its own process, switched between answers over stdin
/// (<c>fast</c> / <c>paced</c>) so one upstream serves every phase and target. Exits when stdin closes.
/// </summary>
internal static class SimulatorChild
{
    public const string Ready = "READY ";
    public const string Acknowledged = "OK ";

    public static async Task<int> RunAsync()
    {
        await using var server = await VllmSimulatorServer.StartAsync(new SimulatorOptions
        {
            Port = 0,
            // 1 MiB bodies count as 262 144 prompt tokens in the simulator; the default limit would reject them.
            MaxModelLen = 4_000_000,
            // Each recording holds the whole body; keep one.
            MaxRecordedRequests = 1,
        });
        server.DefaultAnswer = BenchAnswers.Fast;
        Console.WriteLine(Ready + server.BaseUrl);

        while (await Console.In.ReadLineAsync() is { } command)
        {
            server.DefaultAnswer = command switch
            {
                "fast" => BenchAnswers.Fast,
                "paced" => BenchAnswers.Paced,
                _ => server.DefaultAnswer,
            };
            Console.WriteLine(Acknowledged + command);
        }

        return 0;
    }
}
