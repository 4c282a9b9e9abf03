namespace OpsBot.Discord.Interactions;

/// <summary>A check that runs before a handler; a failure is answered ephemerally with its reason and logged.</summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class, AllowMultiple = true, Inherited = true)]
public abstract class PreconditionAttribute : Attribute
{
    public abstract ValueTask<PreconditionResult> CheckAsync(InteractionContext context, IServiceProvider services);

    /// <summary>
    /// Registered as the command's <c>default_member_permissions</c> (a permission bit set as a string; <c>"0"</c> shows
    /// the command to server administrators only) so members who may not use it do not see it. Null: visible to everyone.
    /// Discord lets server admins widen this per role, so the run-time check stays.
    /// </summary>
    public virtual string? DefaultMemberPermissions => null;
}
