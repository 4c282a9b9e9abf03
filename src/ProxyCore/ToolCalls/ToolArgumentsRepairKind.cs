namespace OpsBot.ProxyCore.ToolCalls;

/// <summary>What <see cref="ToolArgumentsRepair"/> had to do to a history call's <c>arguments</c>.</summary>
internal enum ToolArgumentsRepairKind
{
    /// <summary>Already a JSON object: forwarded as is.</summary>
    Unchanged,

    /// <summary>Missing, empty or whitespace: <c>{}</c> (what vLLM's template assumes).</summary>
    Empty,

    /// <summary>A JSON string holding an object (double-encoded): the object.</summary>
    Unwrapped,

    /// <summary>A damaged object (trailing text, truncation, Python/JS syntax) made valid; may have lost a cut-off tail.</summary>
    Repaired,

    /// <summary>Not an object at all (array, number, prose): replaced by <c>{}</c>.</summary>
    Replaced,
}
