namespace OpsBot.ProxyCore.ToolCalls.Formats;

/// <summary>The literal markers that open or close tool-call text in the formats we recover.</summary>
internal static class ToolCallMarkers
{
    public const string ToolCallOpen = "<tool_call>";
    public const string ToolCallClose = "</tool_call>";
    public const string FunctionOpen = "<function=";
    public const string FunctionClose = "</function>";
    public const string ParameterOpen = "<parameter=";
    public const string ParameterClose = "</parameter>";
    public const string ToolsOpen = "<tools>";
    public const string ToolsClose = "</tools>";
    public const string MistralToolCalls = "[TOOL_CALLS]";
    public const string MistralArgs = "[ARGS]";
    public const string PythonTag = "<|python_tag|>";
    public const string Fence = "```";
}
