namespace OpsBot.ProxyCore.ToolCalls;

/// <summary>The text format a tool call was recovered from when vLLM left it in <c>content</c>.</summary>
public enum ToolCallFormat
{
    /// <summary>vLLM's own parser produced structured <c>tool_calls</c>; nothing was extracted.</summary>
    Native,
    /// <summary>Qwen3-Coder XML: <c>&lt;tool_call&gt;&lt;function=NAME&gt;&lt;parameter=P&gt;…</c>.</summary>
    QwenXml,
    /// <summary>Hermes: <c>&lt;tool_call&gt;{json}&lt;/tool_call&gt;</c>.</summary>
    Hermes,
    /// <summary>Qwen2.5 prompt-tag echo: <c>&lt;tools&gt;{json per line}&lt;/tools&gt;</c>.</summary>
    ToolsTag,
    /// <summary>The whole content (possibly after prose) is one JSON call object, single or multi-line.</summary>
    BareJson,
    /// <summary>One JSON call object per line.</summary>
    JsonLines,
    /// <summary>A JSON array of call objects.</summary>
    JsonArray,
    /// <summary>A <c>```json</c> fenced call or array of calls.</summary>
    FencedJson,
    /// <summary>Llama 3 <c>&lt;|python_tag|&gt;</c> with <c>; </c>-separated calls.</summary>
    PythonTag,
    /// <summary>Mistral <c>[TOOL_CALLS][…]</c>.</summary>
    MistralToolCalls,
}
