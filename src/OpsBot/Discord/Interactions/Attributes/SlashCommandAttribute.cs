namespace OpsBot.Discord.Interactions;

/// <summary>Marks a module method as the handler of a top-level slash command.</summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class SlashCommandAttribute(string name, string description) : Attribute
{
    public string Name { get; } = name;

    public string Description { get; } = description;
}
