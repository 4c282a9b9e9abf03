using System.Text.Json;

namespace OpsBot.VllmSimulator.Chat;

/// <summary>
/// A model of vLLM's automatic prefix caching (<see cref="SimulatorOptions.PrefillTokensPerSecond"/>): a request whose
/// leading messages this server processed recently pays prompt processing only for the rest. Granularity is a whole
/// message (vLLM caches 16-token blocks; an agent's turns repeat whole messages), and a prompt token is about four bytes
/// of message JSON. The cache keeps the <see cref="SimulatorOptions.PrefixCacheEntries"/> most recently used prefixes.
/// </summary>
internal sealed class PrefixCache(int capacity)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<ulong, LinkedListNode<ulong>> _entries = [];
    private readonly LinkedList<ulong> _recent = new();

    /// <summary>Looks the request's message prefixes up, then remembers all of them.</summary>
    /// <returns>Prompt tokens of the messages and how many of them were cached.</returns>
    public (int Prompt, int Cached) Admit(ReadOnlyMemory<byte> body)
    {
        using var document = JsonDocument.Parse(body);
        if (!document.RootElement.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array)
        {
            return (0, 0);
        }

        var prefixes = new List<(ulong Hash, int Tokens)>();
        var hash = 14695981039346656037UL;
        var tokens = 0;
        foreach (var message in messages.EnumerateArray())
        {
            var raw = message.GetRawText();
            foreach (var c in raw)
            {
                hash = (hash ^ c) * 1099511628211UL;
            }

            tokens += Math.Max(1, raw.Length / 4);
            prefixes.Add((hash, tokens));
        }

        var cached = 0;
        lock (_lock)
        {
            foreach (var (prefix, upTo) in prefixes)
            {
                if (_entries.ContainsKey(prefix))
                {
                    cached = upTo;
                }
            }

            foreach (var (prefix, _) in prefixes)
            {
                if (_entries.Remove(prefix, out var node))
                {
                    _recent.Remove(node);
                }

                _entries[prefix] = _recent.AddFirst(prefix);
            }

            while (_entries.Count > capacity)
            {
                _entries.Remove(_recent.Last!.Value);
                _recent.RemoveLast();
            }
        }

        return (tokens, cached);
    }
}
