namespace OpsBot.Discord.Interactions;

/// <summary>Command data (<see cref="Name"/>, <see cref="Options"/>) or component data (<see cref="CustomId"/>).</summary>
public sealed record InteractionData(string? Name, ulong? CommandId, IReadOnlyList<InteractionOption> Options, string? CustomId, int? ComponentType)
{
    public static InteractionData Empty { get; } = new(null, null, [], null, null);
}
