namespace OpsBot.Hosting;

/// <summary>The Python proxy's flags, so OpsBot is a drop-in: <c>--port 8003 --vllm-url http://host:8000 --host 0.0.0.0</c>.</summary>
public static class CommandLine
{
    public static IDictionary<string, string> SwitchMappings { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["--port"] = "Proxy:Port",
        ["--vllm-url"] = "Proxy:VllmUrl",
        ["--host"] = "Proxy:Host",
        ["--max-tool-calls"] = "Proxy:MaxToolCalls",
    };
}
