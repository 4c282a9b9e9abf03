using Microsoft.AspNetCore.Http;
using OpsBot.ProxyCore.Proxy.Backends;

namespace OpsBot.ProxyCore.Proxy.Upstream;

/// <summary>Builds the request to vLLM: same method, path and query under a backend's base URL, end-to-end headers only.</summary>
internal static class UpstreamRequestFactory
{
    public static HttpRequestMessage Create(VllmBackend backend, HttpRequest request, HttpContent? content)
    {
        var target = new Uri(backend.BaseUri, request.Path.Value!.TrimStart('/') + request.QueryString.Value);
        var message = new HttpRequestMessage(new HttpMethod(request.Method), target)
        {
            Content = content,
            Version = System.Net.HttpVersion.Version11,
        };

        foreach (var header in request.Headers)
        {
            if (HopByHopHeaders.IsExcluded(header.Key)
                // The upstream client negotiates and decodes compression itself; a compressed
                // body would also defeat the JSON handling of chat completions.
                || header.Key.Equals("Accept-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (!message.Headers.TryAddWithoutValidation(header.Key, (IEnumerable<string?>)header.Value) && content is not null)
            {
                content.Headers.TryAddWithoutValidation(header.Key, (IEnumerable<string?>)header.Value);
            }
        }

        return message;
    }

    /// <summary>Copies vLLM's status and end-to-end headers onto the client's response.</summary>
    public static void CopyResponseHeaders(HttpResponseMessage upstream, HttpResponse response, bool bodyRewritten)
    {
        response.StatusCode = (int)upstream.StatusCode;
        Copy(upstream.Headers, response, bodyRewritten);
        Copy(upstream.Content.Headers, response, bodyRewritten);
    }

    private static void Copy(System.Net.Http.Headers.HttpHeaders headers, HttpResponse response, bool bodyRewritten)
    {
        foreach (var header in headers)
        {
            if (HopByHopHeaders.IsExcluded(header.Key)
                || (bodyRewritten && (header.Key.Equals("Content-Type", StringComparison.OrdinalIgnoreCase) || header.Key.Equals("Content-Encoding", StringComparison.OrdinalIgnoreCase))))
            {
                continue;
            }

            response.Headers[header.Key] = header.Value.ToArray();
        }
    }
}
