namespace OpsBot.Operations;

/// <summary>
/// The word people use for an enum member: what Discord offers as the choice (its name and value), what OpsBot shows,
/// and what the CLI accepts, with older spellings the CLI also takes as <paramref name="aliases"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Field, Inherited = false)]
public sealed class ChoiceDisplayAttribute(string name, params string[] aliases) : Attribute
{
    public string Name { get; } = name;

    public IReadOnlyList<string> Aliases { get; } = aliases;
}
