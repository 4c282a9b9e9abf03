namespace OpsBot.ProxyCore.Proxy.Chat;

/// <summary>
/// What the client is told when vLLM's answer stayed empty on every attempt (Proxy:EmptyAnswerRetries), instead of
/// nothing: OpenClaw would show "No reply from agent." and the user would not know what happened.
/// </summary>
internal static class EmptyAnswerNotice
{
    /// <param name="attempts">How many times vLLM was asked, the first time included.</param>
    public static string Text(int attempts) =>
        $"⚠️ The model returned an empty answer {Times(attempts)} (no text, no tool calls). This is a known vLLM/Qwen3 failure; try again, and an operator can check `/status`.";

    private static string Times(int attempts) => attempts switch
    {
        1 => "once",
        2 => "twice",
        _ => $"{attempts} times",
    };
}
