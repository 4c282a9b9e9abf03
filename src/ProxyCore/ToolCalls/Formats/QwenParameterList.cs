namespace OpsBot.ProxyCore.ToolCalls.Formats;

/// <summary>
/// Parameters of one XML function in first-seen order, where a repeated name keeps its first position
/// but takes the last value (what assigning into a Python dict does).
/// </summary>
internal struct QwenParameterList
{
    private const int IndexThreshold = 8;

    private List<(string Name, int Start, int Length)>? _items;
    private Dictionary<string, int>? _index;

    public readonly int Count => _items?.Count ?? 0;

    public readonly (string Name, int Start, int Length) this[int i] => _items![i];

    public void Set(string name, int start, int length)
    {
        _items ??= new List<(string, int, int)>(4);
        int existing = IndexOf(name);
        if (existing >= 0)
        {
            _items[existing] = (name, start, length);
            return;
        }

        _items.Add((name, start, length));
        if (_index is not null)
        {
            _index[name] = _items.Count - 1;
        }
        else if (_items.Count > IndexThreshold)
        {
            _index = new Dictionary<string, int>(StringComparer.Ordinal);
            for (int i = 0; i < _items.Count; i++)
            {
                _index[_items[i].Name] = i;
            }
        }
    }

    private readonly int IndexOf(string name)
    {
        if (_index is not null)
        {
            return _index.TryGetValue(name, out int i) ? i : -1;
        }

        for (int i = 0; i < _items!.Count; i++)
        {
            if (string.Equals(_items[i].Name, name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }
}
