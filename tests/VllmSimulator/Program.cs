using System.Globalization;
using System.Runtime.InteropServices;
using OpsBot.VllmSimulator;

// Standalone vLLM stand-in for manual runs with a real OpenClaw or the benchmark:
//   dotnet run --project tests/VllmSimulator -- --port 8000 [--answer "text" | --fixture NAME] [--tps 50] [--think-ms 200]
//     [--model NAME] [--api-key KEY] [--current-shape] [--max-num-seqs N] [--prefill-tps N [--prefix-cache-entries N] [--prefix-cache-tokens N] [--shared-prefill]]
var options = new SimulatorOptions { Port = 8000 };
string answerText = "4";
string? fixture = null;
double? tokensPerSecond = null;
var thinkTime = TimeSpan.Zero;
for (var i = 0; i < args.Length; i++)
{
    string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
    switch (args[i])
    {
        case "--port": options.Port = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--answer": answerText = Next(); break;
        case "--fixture": fixture = Next(); break;
        case "--tps": tokensPerSecond = double.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--think-ms": thinkTime = TimeSpan.FromMilliseconds(double.Parse(Next(), CultureInfo.InvariantCulture)); break;
        case "--model": options.ModelName = Next(); break;
        case "--api-key": options.ApiKey = Next(); break;
        case "--current-shape": options.CurrentShape = true; break;
        case "--max-num-seqs": options.MaxNumSeqs = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--prefill-tps": options.PrefillTokensPerSecond = double.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--prefix-cache-entries": options.PrefixCacheEntries = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--prefix-cache-tokens": options.PrefixCacheTokens = long.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--shared-prefill": options.SharedPrefill = true; break;
        case "--help" or "-h":
            Console.WriteLine("usage: VllmSimulator [--port 8000] [--answer TEXT | --fixture stream_text.sse] [--tps N] [--think-ms N] [--model NAME] [--api-key KEY] [--current-shape] [--max-num-seqs N] [--prefill-tps N [--prefix-cache-entries N] [--prefix-cache-tokens N] [--shared-prefill]]");
            return 0;
        default:
            Console.Error.WriteLine($"unknown argument {args[i]} (try --help)");
            return 2;
    }
}

await using var server = await VllmSimulatorServer.StartAsync(options);
var answer = fixture is null ? SimulatedAnswer.Text(answerText) : VllmFixtures.Answer(fixture);
server.DefaultAnswer = answer with { TokensPerSecond = tokensPerSecond, ThinkTime = thinkTime };
Console.WriteLine($"vLLM simulator serving {server.ModelName} on {server.BaseUrl}v1 (Ctrl+C to stop)");

var stop = new TaskCompletionSource();
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => { context.Cancel = true; stop.TrySetResult(); });
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => { context.Cancel = true; stop.TrySetResult(); });
await stop.Task;
return 0;
