using System.Text.Json;

namespace OpsBot.VllmSimulator.Chat;

/// <summary>
/// A model of vLLM's automatic prefix caching (<see cref="SimulatorOptions.PrefillTokensPerSecond"/>): a request whose
/// leading messages this server processed recently pays prompt processing only for the rest. Granularity is a whole
/// message (vLLM caches 16-token blocks; an agent's turns repeat whole messages), and a prompt token is about four bytes
/// of message JSON. The tool definitions belong to the first block: the chat template renders them into the system turn.
/// </summary>
/// <remarks>
/// A prefix counts only while every shorter prefix of it is cached too (a block's hash chains its predecessors). The
/// cache keeps at most <see cref="SimulatorOptions.PrefixCacheEntries"/> prefixes and, when
/// <see cref="SimulatorOptions.PrefixCacheTokens"/> is set, at most that many tokens (each prefix holds the tokens its
/// last message added: the KV cache's size); the least recently used go first and, of one request's prefixes, the longest
/// first, as vLLM frees a sequence's blocks tail first.
/// </remarks>
internal sealed class PrefixCache(int capacity, long tokenCapacity = 0)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<ulong, LinkedListNode<(ulong Hash, int Tokens)>> _entries = [];
    private readonly LinkedList<(ulong Hash, int Tokens)> _recent = new();
    private long _tokens;

    /// <summary>Looks the request's message prefixes up, then remembers all of them.</summary>
    /// <returns>Prompt tokens of the messages (and tools) and how many of them were cached.</returns>
    public (int Prompt, int Cached) Admit(ReadOnlyMemory<byte> body)
    {
        using var document = JsonDocument.Parse(body);
        if (!document.RootElement.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array)
        {
            return (0, 0);
        }

        var prefixes = new List<(ulong Hash, int Tokens, int Added)>();
        var hash = 14695981039346656037UL;
        var tokens = 0;
        var pending = 0;
        if (document.RootElement.TryGetProperty("tools", out var tools) && tools.ValueKind == JsonValueKind.Array)
        {
            (hash, pending) = Fold(hash, tools.GetRawText());
        }

        foreach (var message in messages.EnumerateArray())
        {
            (hash, var added) = Fold(hash, message.GetRawText());
            added += pending;
            pending = 0;
            tokens += added;
            prefixes.Add((hash, tokens, added));
        }

        var cached = 0;
        lock (_lock)
        {
            foreach (var (prefix, upTo, _) in prefixes)
            {
                if (!_entries.ContainsKey(prefix))
                {
                    break;
                }

                cached = upTo;
            }

            // Longest first, so the shared head of the conversation ends up the most recently used.
            for (var i = prefixes.Count - 1; i >= 0; i--)
            {
                var (prefix, _, added) = prefixes[i];
                if (_entries.Remove(prefix, out var node))
                {
                    _recent.Remove(node);
                    _tokens -= node.Value.Tokens;
                }

                _entries[prefix] = _recent.AddFirst((prefix, added));
                _tokens += added;
            }

            while (_entries.Count > capacity || (tokenCapacity > 0 && _tokens > tokenCapacity && _entries.Count > 1))
            {
                var last = _recent.Last!.Value;
                _entries.Remove(last.Hash);
                _recent.RemoveLast();
                _tokens -= last.Tokens;
            }
        }

        return (tokens, cached);
    }

    private static (ulong Hash, int Tokens) Fold(ulong hash, string raw)
    {
        foreach (var c in raw)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return (hash, Math.Max(1, raw.Length / 4));
    }
}
