using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using OpsBot.Bench.Diagnose;
using OpsBot.ProxyCore.Proxy;

namespace OpsBot.Bench.Hosts;

/// <summary>
/// <c>ProxyBench proxy-host --vllm-url URL --mode buffer|stream</c>: the same ProxyApplication opsbot runs, in its own
/// process, plus <c>/bench/gc</c> (allocation and GC counters) so a missed target can be traced to
/// allocations. Only used for the diagnosis; the headline numbers come from the real opsbot binary.
/// </summary>
internal static class InstrumentedProxyChild
{
    public const string Ready = "READY ";

    public static async Task<int> RunAsync(string[] args)
    {
        string? vllmUrl = null;
        var mode = ToolStreamingMode.Buffer;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--vllm-url" when i + 1 < args.Length: vllmUrl = args[++i]; break;
                case "--mode" when i + 1 < args.Length && Enum.TryParse<ToolStreamingMode>(args[i + 1], ignoreCase: true, out var parsed):
                    mode = parsed;
                    i++;
                    break;
                default:
                    Console.Error.WriteLine($"unknown argument {args[i]}");
                    return 2;
            }
        }

        if (vllmUrl is null)
        {
            Console.Error.WriteLine("--vllm-url is required");
            return 2;
        }

        using var listener = new AllocationListener();
        var app = ProxyApplication.Build(o =>
        {
            o.VllmUrl = vllmUrl;
            o.Host = "127.0.0.1";
            o.Port = 0;
            o.ToolStreaming = mode;
        });
        app.MapGet("/bench/gc", () => Results.Json(GcSnapshot.Capture(listener)));
        app.MapPost("/bench/gc/reset", () =>
        {
            listener.Reset();
            return Results.NoContent();
        });
        await app.StartAsync();
        Console.WriteLine(Ready + app.GetListenUri().ToString());

        // Runs until the benchmark closes stdin.
        while (await Console.In.ReadLineAsync() is not null)
        {
        }

        await app.StopAsync();
        await app.DisposeAsync();
        return 0;
    }
}
