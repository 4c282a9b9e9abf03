using System.Reflection;

namespace OpsBot.Operations;

/// <summary>
/// The name table of <typeparamref name="TEnum"/>, read once from its members' <see cref="ChoiceDisplayAttribute"/>: the one
/// place a word maps to a value, for the Discord choices (exact names) and the CLI and admin socket (names and aliases,
/// any case).
/// </summary>
public static class EnumNames<TEnum>
    where TEnum : struct, Enum
{
    private static readonly (TEnum Value, string Name, IReadOnlyList<string> Aliases)[] Entries = Read();

    /// <summary>The canonical names, in declaration order.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. Entries.Select(e => e.Name)];

    public static IReadOnlyList<TEnum> Values { get; } = [.. Entries.Select(e => e.Value)];

    /// <summary>The names for a message: <c>vllm, proxy or gateway</c>.</summary>
    public static string Listed { get; } = Names.Count < 2 ? string.Join("", Names) : $"{string.Join(", ", Names.Take(Names.Count - 1))} or {Names[^1]}";

    public static string NameOf(TEnum value)
    {
        foreach (var entry in Entries)
        {
            if (EqualityComparer<TEnum>.Default.Equals(entry.Value, value))
            {
                return entry.Name;
            }
        }

        throw new ArgumentOutOfRangeException(nameof(value), value, $"{typeof(TEnum).Name} has no such member.");
    }

    /// <summary>Only a canonical name, as typed (Discord sends back exactly the choice value it offered).</summary>
    public static bool TryParseExact(string? text, out TEnum value)
    {
        foreach (var entry in Entries)
        {
            if (string.Equals(entry.Name, text, StringComparison.Ordinal))
            {
                value = entry.Value;
                return true;
            }
        }

        value = default;
        return false;
    }

    /// <summary>A name or an alias, trimmed, in any case: what people type on a command line.</summary>
    public static bool TryParse(string? text, out TEnum value)
    {
        var word = text?.Trim();
        foreach (var entry in Entries)
        {
            if (string.Equals(entry.Name, word, StringComparison.OrdinalIgnoreCase)
                || entry.Aliases.Contains(word, StringComparer.OrdinalIgnoreCase))
            {
                value = entry.Value;
                return true;
            }
        }

        value = default;
        return false;
    }

    private static (TEnum, string, IReadOnlyList<string>)[] Read()
    {
        var entries = typeof(TEnum).GetFields(BindingFlags.Public | BindingFlags.Static).Select(field =>
        {
            var display = field.GetCustomAttribute<ChoiceDisplayAttribute>()
                ?? throw new InvalidOperationException($"{typeof(TEnum).Name}.{field.Name} has no [ChoiceDisplay] name.");
            return ((TEnum)field.GetValue(null)!, display.Name, display.Aliases);
        }).ToArray();
        var words = entries.SelectMany(e => e.Aliases.Prepend(e.Name)).ToList();
        if (words.Distinct(StringComparer.OrdinalIgnoreCase).Count() != words.Count)
        {
            throw new InvalidOperationException($"{typeof(TEnum).Name}: a choice name or alias is used twice.");
        }

        return entries;
    }
}
