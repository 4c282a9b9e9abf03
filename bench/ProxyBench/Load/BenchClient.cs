using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;

namespace OpsBot.Bench.Load;

/// <summary>
/// The load generator's HTTP client: one pooled SocketsHttpHandler with enough connections for the
/// highest concurrency, no proxy/cookies/decompression, responses read to the end into a pooled buffer.
/// </summary>
internal sealed class BenchClient : IDisposable
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    private readonly HttpClient _http = new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = 1024,
        UseProxy = false,
        UseCookies = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        ConnectTimeout = TimeSpan.FromSeconds(5),
    })
    {
        Timeout = TimeSpan.FromSeconds(60),
    };

    public static Uri ChatUri(Uri baseUrl) => new(baseUrl, "/v1/chat/completions");

    /// <summary>Sends one chat request and reads the whole response; returns the bytes received.</summary>
    public async Task<long> CompleteAsync(Uri chatUri, byte[] body, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(chatUri, body, cancellationToken);
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            long total = 0;
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
            {
                total += read;
            }

            return total;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Sends one streaming chat request and follows its SSE events to the end, timing the first content.</summary>
    public async Task<SseResult> StreamAsync(Uri chatUri, byte[] body, CancellationToken cancellationToken)
    {
        var sentUtc = DateTimeOffset.UtcNow;
        var started = Stopwatch.GetTimestamp();
        using var response = await SendAsync(chatUri, body, cancellationToken);
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var reader = new SseContentReader();
        var buffer = new byte[16 * 1024];
        TimeSpan? firstContent = null;
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
        {
            // Stamp before parsing so JSON work does not count against the proxy.
            var at = Stopwatch.GetElapsedTime(started);
            if (reader.Feed(buffer.AsSpan(0, read)) && firstContent is null)
            {
                firstContent = at;
            }
        }

        return new SseResult(sentUtc, firstContent, Stopwatch.GetElapsedTime(started), reader.Content, reader.SawDone, reader.Events, reader.Errors);
    }

    public async Task WaitHealthyAsync(Uri baseUrl, Func<bool> exited, string name, TimeSpan timeout)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline && !exited())
        {
            try
            {
                using var probe = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                using var response = await _http.GetAsync(new Uri(baseUrl, "/health"), probe.Token);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
            {
            }

            // Short: the time to the first 200 is one of the measurements.
            await Task.Delay(10);
        }

        throw new InvalidOperationException($"{name} at {baseUrl} did not become healthy within {timeout.TotalSeconds:0} s (exited: {exited()}).");
    }

    public async Task<T> GetJsonAsync<T>(Uri uri, CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync(uri, cancellationToken);
        response.EnsureSuccessStatusCode();
        return await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<T>(response.Content, BenchJson.Options, cancellationToken)
            ?? throw new InvalidDataException($"{uri} returned null.");
    }

    public async Task PostAsync(Uri uri, CancellationToken cancellationToken)
    {
        using var response = await _http.PostAsync(uri, content: null, cancellationToken);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>The raw response body of a request that must succeed (used to capture a non-streaming answer).</summary>
    public async Task<byte[]> PostForBytesAsync(Uri chatUri, byte[] body, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(chatUri, body, cancellationToken);
        return await response.Content.ReadAsByteArrayAsync(cancellationToken);
    }

    public void Dispose() => _http.Dispose();

    private async Task<HttpResponseMessage> SendAsync(Uri chatUri, byte[] body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, chatUri)
        {
            Content = new ByteArrayContent(body) { Headers = { ContentType = Json } },
        };
        var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            // An error answer is fast and would flatter the numbers: fail the run instead.
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            response.Dispose();
            throw new BenchRequestException($"{chatUri} answered {(int)response.StatusCode}: {text[..Math.Min(text.Length, 300)]}");
        }

        return response;
    }
}
