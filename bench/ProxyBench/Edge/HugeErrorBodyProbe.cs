using System.Buffers;
using System.Net.Http.Headers;
using OpsBot.Bench.Hosts;

namespace OpsBot.Bench.Edge;

/// <summary>
/// Issue 11's second probe: vLLM answers <see cref="Requests"/> concurrent OpenClaw requests with a 500 whose JSON
/// body is <see cref="ErrorBytes"/> long. Measures opsbot's RSS growth and the longest line it logged, with the bytes
/// each client received. Before the fix each request logged one 52 MB line and RSS went from 457 to 3117 MiB.
/// </summary>
internal static class HugeErrorBodyProbe
{
    public const int Requests = 4;
    public const int ErrorBytes = 50 * 1024 * 1024;

    public static async Task<HugeErrorResult> RunAsync(ChildProcess opsbot, Uri chatUri, byte[] body, CancellationToken cancellationToken)
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromMinutes(5) };
        var linesBefore = opsbot.Lines;
        IReadOnlyList<(int Status, long Bytes)> answers;
        long peak, before;
        await using (var sampler = RssSampler.Start(opsbot.Id))
        {
            before = sampler.Before;
            answers = await Task.WhenAll(Enumerable.Range(0, Requests).Select(_ => SendAsync(http, chatUri, body, cancellationToken)));
            peak = sampler.Peak;
        }

        // Let the last log lines reach the pipe.
        await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        return new HugeErrorResult(before, peak, ProcMemory.Read(opsbot.Id).Rss, opsbot.LongestLine, opsbot.Lines - linesBefore,
            answers.Select(a => $"{a.Status}, {a.Bytes / (1024.0 * 1024):0.0} MiB").Distinct().ToArray());
    }

    private static async Task<(int, long)> SendAsync(HttpClient http, Uri chatUri, byte[] body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, chatUri) { Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } } };
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            long total = 0;
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
            {
                total += read;
            }

            return ((int)response.StatusCode, total);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}

internal sealed record HugeErrorResult(long Before, long Peak, long After, int LongestLogLine, int LogLines, IReadOnlyList<string> Answers);
