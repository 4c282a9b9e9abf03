using OpsBot.Bench.Workload;
using OpsBot.VllmSimulator;

namespace OpsBot.Bench.Hosts;

/// <summary>
/// <c>ProxyBench simulator</c>: the vLLM simulator in its own process, switched between answers over stdin
/// (<c>fast</c> / <c>paced</c>, <c>last</c> to ask when the latest request arrived, and for the edge probes <c>stall</c> / <c>error500:BYTES</c>) so one upstream serves
/// every phase and target. Exits when stdin closes.
/// </summary>
internal static class SimulatorChild
{
    public const string Ready = "READY ";
    public const string Acknowledged = "OK ";

    /// <summary><c>last</c> prints <c>LAST &lt;UTC ticks&gt;</c>: when the latest request's body had arrived whole (the end of the request leg).</summary>
    public const string LastReceived = "LAST ";

    /// <summary><c>error500:52428800</c>: answer every request with a 500 whose JSON body has that many bytes.</summary>
    public const string ErrorPrefix = "error500:";

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
            if (command == "last")
            {
                var last = server.Requests is [.., var newest] ? newest : null;
                Console.WriteLine(LastReceived + (last?.ReceivedAt.UtcTicks ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture));
                continue;
            }

            server.DefaultAnswer = command switch
            {
                "fast" => BenchAnswers.Fast,
                "paced" => BenchAnswers.Paced,
                "stall" => SimulatedAnswer.Stall(),
                _ when command.StartsWith(ErrorPrefix, StringComparison.Ordinal) => BenchAnswers.HugeError(int.Parse(command[ErrorPrefix.Length..], System.Globalization.CultureInfo.InvariantCulture)),
                _ => server.DefaultAnswer,
            };
            Console.WriteLine(Acknowledged + command);
        }

        return 0;
    }
}
