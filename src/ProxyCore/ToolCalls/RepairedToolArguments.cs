namespace OpsBot.ProxyCore.ToolCalls;

/// <summary>The result of <see cref="ToolArgumentsRepair.Repair"/>: <see cref="Json"/> is always a JSON object text.</summary>
internal sealed record RepairedToolArguments(string Json, ToolArgumentsRepairKind Kind)
{
    public bool Changed => Kind != ToolArgumentsRepairKind.Unchanged;
}
