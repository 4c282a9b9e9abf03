namespace OpsBot.Discord.Interactions;

[AttributeUsage(AttributeTargets.Parameter, Inherited = false)]
public sealed class MinValueAttribute(double value) : Attribute
{
    public double Value { get; } = value;
}
