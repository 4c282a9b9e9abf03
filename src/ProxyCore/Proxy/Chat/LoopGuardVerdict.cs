namespace OpsBot.ProxyCore.Proxy.Chat;

/// <summary>Why the loop guard ended a turn, if it did.</summary>
internal enum LoopGuardVerdict
{
    Continue,
    TooManyToolResults,
    RepeatedToolCall,
}
