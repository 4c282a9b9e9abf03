namespace OpsBot.ProxyCore.ToolCalls.Json;

/// <summary>Outcome of scanning text that may still be growing (streaming) or is final.</summary>
internal enum ScanStatus : byte
{
    /// <summary>A complete value ends at the reported position.</summary>
    Complete,

    /// <summary>The text ran out inside the value; more text could still complete it.</summary>
    Incomplete,

    /// <summary>A syntax error at the reported position; no continuation can repair it.</summary>
    Invalid,
}
