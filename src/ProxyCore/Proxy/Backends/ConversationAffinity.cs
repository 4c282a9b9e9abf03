using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace OpsBot.ProxyCore.Proxy.Backends;

/// <summary>
/// The key that keeps a conversation on one backend: a hash of its stable prefix, the system message(s) and the
/// first user message. Every later turn repeats them byte for byte, so it lands where vLLM's prefix cache already
/// holds them.
/// </summary>
public static class ConversationAffinity
{
    /// <summary>The key of a chat request's <c>messages</c>, or null when there is no user message to anchor it.</summary>
    /// <remarks>Reads only up to the first user message, and hashes the messages' raw JSON without decoding it.</remarks>
    public static ulong? KeyOf(JsonElement request)
    {
        if (request.ValueKind != JsonValueKind.Object
            || !request.TryGetProperty("messages", out var messages)
            || messages.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var hash = new XxHash3();
        foreach (var message in messages.EnumerateArray())
        {
            if (message.ValueKind != JsonValueKind.Object || !message.TryGetProperty("role", out var role))
            {
                return null;
            }

            var user = role.ValueEquals("user");
            if (user || role.ValueEquals("system") || role.ValueEquals("developer"))
            {
                hash.Append(JsonMarshal.GetRawUtf8Value(message));
            }

            if (user)
            {
                return hash.GetCurrentHashAsUInt64();
            }
        }

        return null;
    }
}
