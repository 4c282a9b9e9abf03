namespace OpsBot.ProxyCore.Proxy.Upstream;

/// <summary>
/// Fields vLLM adds that OpenAI clients do not expect (some strict clients reject unknown or null
/// fields); the Python proxy v4 stripped exactly these.
/// </summary>
internal static class VllmOnlyFields
{
    public static bool IsTopLevel(string name) => name is "prompt_logprobs" or "prompt_token_ids" or "kv_transfer_params" or "service_tier" or "system_fingerprint";

    public static bool IsChoice(string name) => name is "stop_reason" or "token_ids";

    public static bool IsMessage(string name) => name is "reasoning" or "reasoning_content" or "refusal" or "annotations" or "audio" or "function_call";

    public static bool IsUsage(string name) => name is "prompt_tokens_details";
}
