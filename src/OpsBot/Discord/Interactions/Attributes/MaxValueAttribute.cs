namespace OpsBot.Discord.Interactions;

[AttributeUsage(AttributeTargets.Parameter, Inherited = false)]
public sealed class MaxValueAttribute(double value) : Attribute
{
    public double Value { get; } = value;
}
