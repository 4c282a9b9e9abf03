using System.Runtime.InteropServices;
using System.Text.Json;
using OpsBot.ProxyCore.ToolCalls;

namespace OpsBot.ProxyCore.Proxy.Upstream;

/// <summary>Reads vLLM's whole non-streaming answer: bounded, parsed once, checked before any of its strings is read.</summary>
internal static class UpstreamAnswerReader
{
    /// <summary>The chat.completion of a successful <paramref name="response"/>, tool calls recovered from its text when the request had tools.</summary>
    /// <param name="limit"><see cref="ProxyOptions.MaxResponseBodyBytes"/>.</param>
    /// <param name="answer">The document <see cref="UpstreamCompletion.Root"/> points into; the caller disposes it.</param>
    /// <exception cref="JsonException">The body is not JSON.</exception>
    /// <exception cref="InvalidDataException">The body is larger than <paramref name="limit"/>, not a JSON object, or not valid UTF-8 text.</exception>
    public static async Task<(UpstreamCompletion Completion, JsonDocument Answer)> ReadAsync(HttpResponseMessage response, long limit, ToolCatalog tools, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentLength > limit)
        {
            throw TooLarge(limit, response.Content.Headers.ContentLength.Value);
        }

        JsonDocument answer;
        await using (var stream = new LimitedReadStream(await response.Content.ReadAsStreamAsync(cancellationToken), limit, bytes => TooLarge(limit, bytes)))
        {
            answer = await JsonDocument.ParseAsync(stream, default, cancellationToken);
        }

        try
        {
            if (answer.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException("vLLM answered with JSON that is not a chat completion object.");
            }

            if (!JsonTextValidity.IsValid(JsonMarshal.GetRawUtf8Value(answer.RootElement)))
            {
                // Its strings (content, tool-call arguments) cannot be read, nor shown to the client as they are.
                throw new InvalidDataException($"vLLM answered with text that is not valid UTF-8 (in {JsonTextValidity.Locate(answer.RootElement)}).");
            }

            return (UpstreamCompletion.Read(answer.RootElement, tools), answer);
        }
        catch
        {
            answer.Dispose();
            throw;
        }
    }

    private static InvalidDataException TooLarge(long limit, long bytes) =>
        new($"vLLM's answer is larger than the proxy's limit of {limit} bytes (Proxy:MaxResponseBodyBytes): at least {bytes} bytes.");
}
