namespace OpsBot.VllmSimulator.Chat;

/// <summary>
/// One engine step as the serving layer would emit it. <see cref="Tokens"/> is how many model tokens the step
/// stands for, so pacing and usage stay plausible when a whole parameter value arrives in one delta (#30439).
/// </summary>
internal readonly record struct PlannedDelta(
    DeltaKind Kind,
    ReadOnlyMemory<char> Text,
    int Tokens,
    int ToolIndex = 0,
    string? ToolId = null,
    string? ToolName = null);
