namespace OpsBot.VllmSimulator.Chat;

internal enum DeltaKind
{
    Content,
    ToolHeader,
    ToolArguments,
}
