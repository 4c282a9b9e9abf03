using OpsBot.Discord.Interactions;
using OpsBot.Operations;
using OpsBot.Ops;
using OpsBot.Ops.Configuration;

namespace OpsBot.Discord.Commands;

/// <summary>
/// The <c>target</c> option of /restart, /logs and /smoke: what autocomplete suggests and what a typed name resolves to.
/// Autocomplete only suggests, so every command resolves the name again here.
/// </summary>
public static class CommandTargets
{
    public const string ServiceOption = "service";
    public const string Option = "target";

    /// <summary>
    /// The candidates whose name or value contains <paramref name="typed"/> (any case), those that start with it first,
    /// each group in configuration order; everything when nothing is typed yet.
    /// </summary>
    public static IReadOnlyList<AutocompleteResult> Suggest(IEnumerable<(string Name, string Value)> candidates, string typed)
    {
        var text = typed.Trim();
        var list = candidates.ToList();
        bool Starts((string Name, string Value) c) => c.Value.StartsWith(text, StringComparison.OrdinalIgnoreCase) || c.Name.StartsWith(text, StringComparison.OrdinalIgnoreCase);
        bool Contains((string Name, string Value) c) => c.Value.Contains(text, StringComparison.OrdinalIgnoreCase) || c.Name.Contains(text, StringComparison.OrdinalIgnoreCase);
        return [.. list.Where(Starts).Concat(list.Where(c => !Starts(c) && Contains(c))).Take(AutocompleteChoices.MaxChoices).Select(c => new AutocompleteResult(c.Name, c.Value))];
    }

    /// <summary>Resolves the typed target of <paramref name="service"/>.</summary>
    /// <param name="targets">Null when this build has no Ops part: the name goes on as typed, and the service checks it.</param>
    /// <param name="required">True when, with several targets, leaving the name out is an error (a restart must say which).</param>
    /// <param name="target">
    /// The configured name, or null for "the only one" (one target) or "not named" (several, <paramref name="required"/> false).
    /// </param>
    /// <param name="error">A message for the user naming the valid targets; null when resolved.</param>
    public static bool TryResolve(OpsTargets? targets, StackService service, string? typed, bool required, out string? target, out string? error)
    {
        target = null;
        error = null;
        var name = string.IsNullOrWhiteSpace(typed) ? null : typed.Trim();
        var word = EnumNames<StackService>.NameOf(service);
        var names = targets?.Names(service) ?? [];
        if (service == StackService.Proxy || (targets is not null && names.Count == 0))
        {
            error = name is null ? null : $"`{word}` has no targets to pick from; leave `{Option}` empty.";
            return name is null;
        }

        if (targets is null)
        {
            target = name;
            return true;
        }

        if (name is null)
        {
            if (required && names.Count > 1)
            {
                error = $"Several {word} targets are configured; say which one with `{Option}`: {Listed(names)}.";
                return false;
            }

            return true;
        }

        // The lookup is the Ops services' own (OpsTargets.Resolve); only the message is Discord's.
        var found = targets.Resolve(service, name, out _);
        if (found is null)
        {
            error = $"No {word} target `{Rest.DiscordLimits.Truncate(name, 40)}`; configured: {Listed(names)}.";
            return false;
        }

        // One target: named or not, it is the one the untargeted code paths use.
        target = names.Count > 1 ? found : null;
        return true;
    }

    /// <summary>How messages name what a command acts on: <c>gateway</c>, or <c>gateway beta</c> with several.</summary>
    public static string Label(StackService service, string? target) =>
        target is null ? EnumNames<StackService>.NameOf(service) : $"{EnumNames<StackService>.NameOf(service)} {target}";

    private static string Listed(IEnumerable<string> names) => string.Join(", ", names.Select(n => $"`{n}`"));
}
