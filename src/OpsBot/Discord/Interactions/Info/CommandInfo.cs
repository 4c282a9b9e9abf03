using System.Reflection;

namespace OpsBot.Discord.Interactions;

/// <summary>What every handler has: its module, its method and the checks that run before it.</summary>
public abstract record CommandInfo(Type ModuleType, MethodInfo Method, IReadOnlyList<PreconditionAttribute> Preconditions)
{
    /// <summary>How logs and error replies name it: <c>/logs</c>, <c>button restart:confirm:*:*</c>.</summary>
    public abstract string LogName { get; }
}
