using OpsBot.Operations;

namespace OpsBot.Ops.Configuration;

/// <summary>
/// Every gateway host and every vLLM OpsBot operates, by name, in configuration order. The first of each is the one
/// today's single-target code paths (<c>IOptions&lt;GatewayOpsOptions&gt;</c>, <c>IOptions&lt;VllmOpsOptions&gt;</c>) see.
/// </summary>
/// <remarks>
/// Bound by <see cref="OpsTargetBinder"/> from either form of each section: the flat keys of one target
/// (<c>Ops:Gateway:Host</c>, <c>Ops:Vllm:ContainerName</c>: one target named <see cref="DefaultName"/>) or a list of named
/// ones (<c>Ops:Gateways:0:Name</c>, <c>Ops:Vllm:0:Name</c>). A section with problems leaves its list at one unconfigured
/// default target, like any invalid component section.
/// </remarks>
public sealed record OpsTargets(IReadOnlyList<GatewayOpsOptions> Gateways, IReadOnlyList<VllmOpsOptions> Vllm)
{
    /// <summary>The name of the one target the flat keys describe.</summary>
    public const string DefaultName = "default";

    /// <summary>How status and alerts name a target: null for <see cref="DefaultName"/> (they read as with one target), else the name.</summary>
    public static string? Shown(string name) => name == DefaultName ? null : name;

    /// <summary>Targets a command may offer: a single target stays implicit (its option is optional and not needed).</summary>
    public IReadOnlyList<string> Names(StackService service) => service switch
    {
        StackService.Gateway => [.. Gateways.Select(g => g.Name)],
        StackService.Vllm => [.. Vllm.Select(v => v.Name)],
        _ => [],
    };

    /// <summary>The target <paramref name="name"/> of <paramref name="service"/>, or the first when no name is given.</summary>
    /// <returns>The resolved name, or null with <paramref name="error"/> saying which names exist.</returns>
    public string? Resolve(StackService service, string? name, out string? error)
    {
        var names = Names(service);
        var what = EnumNames<StackService>.NameOf(service);
        error = null;
        if (string.IsNullOrWhiteSpace(name))
        {
            return names.Count > 0 ? names[0] : null;
        }

        var found = names.FirstOrDefault(n => string.Equals(n, name.Trim(), StringComparison.OrdinalIgnoreCase));
        if (found is null)
        {
            error = names.Count == 0
                ? $"{what} has no targets"
                : $"no {what} target '{name}'; configured: {string.Join(", ", names)}";
        }

        return found;
    }
}
