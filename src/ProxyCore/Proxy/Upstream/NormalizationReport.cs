namespace OpsBot.ProxyCore.Proxy.Upstream;

/// <summary>
/// What the proxy had to change in a request so vLLM accepts it (OpenClaw without the compat block
/// sends OpenAI-only fields, and bad tool-call arguments in history make vLLM answer 400).
/// </summary>
internal readonly record struct NormalizationReport(
    bool DroppedStore,
    bool RenamedMaxCompletionTokens,
    int DeveloperRoles,
    bool DroppedStreamOptions,
    int RepairedArguments)
{
    public bool Any => DroppedStore || RenamedMaxCompletionTokens || DeveloperRoles > 0 || DroppedStreamOptions || RepairedArguments > 0;

    /// <summary>Names of the rewrites applied, for metrics labels and logs.</summary>
    public IEnumerable<string> Kinds()
    {
        if (DroppedStore) yield return "drop_store";
        if (RenamedMaxCompletionTokens) yield return "max_completion_tokens";
        if (DeveloperRoles > 0) yield return "developer_role";
        if (DroppedStreamOptions) yield return "drop_stream_options";
        if (RepairedArguments > 0) yield return "tool_arguments";
    }
}
