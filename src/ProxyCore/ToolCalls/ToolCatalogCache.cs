using System.Runtime.InteropServices;
using System.Text.Json;

namespace OpsBot.ProxyCore.ToolCalls;

/// <summary>
/// Catalogs of recently seen <c>tools</c> arrays, matched by their exact bytes. OpenClaw declares the same tools
/// (22, about 25 KB) on every request, and building a catalog clones each parameter schema: about 5 % of the
/// proxy's CPU per request before this cache.
/// </summary>
internal sealed class ToolCatalogCache
{
    private const int Capacity = 16;

    private readonly object _gate = new();
    // Most recently used first; a handful of agents' tool sets at most.
    private readonly List<(byte[] Raw, ToolCatalog Catalog)> _entries = new(Capacity);

    /// <summary>The cached catalog of these exact tools, or a new one (then cached).</summary>
    public ToolCatalog Get(JsonElement tools) => TryGet(tools, out var catalog) ? catalog : Add(tools);

    /// <summary>The catalog of a tool set seen before with exactly these bytes; a request's checks of its tools ran then.</summary>
    public bool TryGet(JsonElement tools, out ToolCatalog catalog)
    {
        catalog = ToolCatalog.Empty;
        if (tools.ValueKind != JsonValueKind.Array)
        {
            return true;
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
                    catalog = entry.Catalog;
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>Builds the catalog of a tool set and keeps it, evicting the least recently used beyond the capacity.</summary>
    public ToolCatalog Add(JsonElement tools)
    {
        // Built outside the lock; two requests racing on a new tool set both build it, which is harmless.
        var catalog = ToolCatalog.FromTools(tools);
        var raw = JsonMarshal.GetRawUtf8Value(tools).ToArray();
        lock (_gate)
        {
            _entries.Insert(0, (raw, catalog));
            if (_entries.Count > Capacity)
            {
                _entries.RemoveAt(_entries.Count - 1);
            }
        }

        return catalog;
    }
}
