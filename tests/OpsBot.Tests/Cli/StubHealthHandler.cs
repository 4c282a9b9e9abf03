using System.Collections.Concurrent;
using System.Net;

namespace OpsBot.Tests.Cli;

/// <summary>Answers the CLI's proxy probe without a network: a status code, or a refused connection when null.</summary>
public sealed class StubHealthHandler(HttpStatusCode? status) : HttpMessageHandler
{
    public ConcurrentQueue<Uri> Requests { get; } = new();

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Requests.Enqueue(request.RequestUri!);
        return status is { } code
            ? Task.FromResult(new HttpResponseMessage(code))
            : Task.FromException<HttpResponseMessage>(new HttpRequestException("Connection refused (127.0.0.1:8003)"));
    }
}
