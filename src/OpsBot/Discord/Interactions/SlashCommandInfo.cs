using System.Reflection;

namespace OpsBot.Discord.Interactions;

public sealed record SlashCommandInfo(
    string Name,
    string Description,
    Type ModuleType,
    MethodInfo Method,
    IReadOnlyList<CommandParameterInfo> Parameters,
    IReadOnlyList<PreconditionAttribute> Preconditions);
