namespace OpsBot.ProxyCore.ToolCalls.Json;

/// <summary>What <see cref="LooseJsonParser"/> tolerates beyond strict JSON.</summary>
[Flags]
internal enum LooseJsonMode
{
    None = 0,

    /// <summary>Python literal syntax: <c>'single'</c> quotes, <c>True/False/None</c>, tuples, trailing commas.</summary>
    Python = 1,

    /// <summary>JSON <c>true/false/null</c> (Python's literal_eval does not know them).</summary>
    JsonLiterals = 2,

    /// <summary>
    /// Repair: stop at the first thing that does not fit (end of text, garbage, missing comma) and
    /// close every open string/array/object so the output is still valid JSON; unquoted keys and raw
    /// control chars in strings are accepted.
    /// </summary>
    Repair = 4,

    PythonLiteralEval = Python,
    Everything = Python | JsonLiterals | Repair,
}
