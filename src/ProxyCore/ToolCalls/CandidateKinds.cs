namespace OpsBot.ProxyCore.ToolCalls;

/// <summary>Which tool-call formats a held position of the stream may still start.</summary>
[Flags]
internal enum CandidateKinds
{
    None = 0,
    ToolCallBlock = 1,
    ToolsBlock = 2,
    BareFunction = 4,
    PythonTag = 8,
    Mistral = 16,
    Fence = 32,
    Json = 64,
}
