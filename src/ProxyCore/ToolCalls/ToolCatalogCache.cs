using System.Runtime.InteropServices;
using System.Text.Json;

namespace OpsBot.ProxyCore.ToolCalls;

/// <summary>
/// Catalogs of recently seen <c>tools</c> arrays, matched by their exact bytes. OpenClaw declares the same tools
/// (22, about 25 KB) on every request, and building a catalog clones each parameter schema: about 5 % of the
/// proxy's CPU per request before this cache.
/// </summary>
public sealed class ToolCatalogCache
{
    private const int Capacity = 16;

    private readonly object _gate = new();
    // Most recently used first; a handful of agents' tool sets at most.
    private readonly List<(byte[] Raw, ToolCatalog Catalog)> _entries = new(Capacity);

    public ToolCatalog Get(JsonElement tools)
    {
        if (tools.ValueKind != JsonValueKind.Array)
        {
            return ToolCatalog.Empty;
        }

        var raw = JsonMarshal.GetRawUtf8Value(tools);
        lock (_gate)
        {
            for (var i = 0; i < _entries.Count; i++)
            {
                var entry = _entries[i];
                if (entry.Raw.AsSpan().SequenceEqual(raw))
                {
                    _entries.RemoveAt(i);
                    _entries.Insert(0, entry);
                    return entry.Catalog;
                }
            }
        }

        // Built outside the lock; two requests racing on a new tool set both build it, which is harmless.
        var catalog = ToolCatalog.FromTools(tools);
        lock (_gate)
        {
            _entries.Insert(0, (raw.ToArray(), catalog));
            if (_entries.Count > Capacity)
            {
                _entries.RemoveAt(_entries.Count - 1);
            }
        }

        return catalog;
    }
}
