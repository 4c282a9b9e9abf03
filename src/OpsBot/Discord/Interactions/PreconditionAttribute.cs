namespace OpsBot.Discord.Interactions;

/// <summary>A check that runs before a handler; a failure is answered ephemerally with its reason and logged.</summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class, AllowMultiple = true, Inherited = true)]
public abstract class PreconditionAttribute : Attribute
{
    public abstract ValueTask<PreconditionResult> CheckAsync(InteractionContext context, IServiceProvider services);
}
