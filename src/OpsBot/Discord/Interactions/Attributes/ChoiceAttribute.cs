namespace OpsBot.Discord.Interactions;

/// <summary>A fixed string choice; the option then only accepts the listed values (checked again at run time).</summary>
[AttributeUsage(AttributeTargets.Parameter, AllowMultiple = true, Inherited = false)]
public sealed class ChoiceAttribute(string name, string value) : Attribute
{
    public string Name { get; } = name;

    public string Value { get; } = value;
}
