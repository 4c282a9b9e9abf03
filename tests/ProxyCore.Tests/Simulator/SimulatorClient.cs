using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using OpsBot.VllmSimulator;
using OpsBot.ProxyCore.Proxy.Chat;

namespace OpsBot.ProxyCore.Tests.Simulator;

/// <summary>Raw HTTP access to a simulator, so tests see exact bytes rather than an SDK's interpretation.</summary>
internal static class SimulatorClient
{
    public static HttpClient Create(VllmSimulatorServer server) =>
        new() { BaseAddress = server.BaseUrl, Timeout = TimeSpan.FromSeconds(10) };

    public static string ChatBody(bool stream, object? streamOptions = null, string model = "Qwen/Qwen3-Coder-Next-FP8", object? extra = null)
    {
        var body = new Dictionary<string, object?>
        {
            ["model"] = model,
            ["messages"] = new object[] { new { role = "user", content = "What is 2+2?" } },
            ["stream"] = stream,
        };
        if (streamOptions is not null)
        {
            body["stream_options"] = streamOptions;
        }

        if (extra is not null)
        {
            foreach (var property in JsonSerializer.SerializeToElement(extra).EnumerateObject())
            {
                body[property.Name] = property.Value;
            }
        }

        return JsonSerializer.Serialize(body);
    }

    public static HttpRequestMessage ChatRequest(string body) =>
        new(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };

    public static async Task<(HttpResponseMessage Response, string Body)> PostChatAsync(HttpClient client, string body)
    {
        var response = await client.SendAsync(ChatRequest(body));
        return (response, await response.Content.ReadAsStringAsync());
    }
}
