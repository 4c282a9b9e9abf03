namespace OpsBot.Discord.Interactions;

/// <summary>Names and describes the option a parameter becomes.</summary>
[AttributeUsage(AttributeTargets.Parameter, Inherited = false)]
public sealed class SummaryAttribute(string name, string description) : Attribute
{
    public string Name { get; } = name;

    public string Description { get; } = description;
}
