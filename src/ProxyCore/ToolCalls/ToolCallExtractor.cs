namespace OpsBot.ProxyCore.ToolCalls;

/// <summary>
/// Recovers tool calls that vLLM left as text in <c>content</c>. Never throws: any input that is
/// not a recognised call naming a declared tool comes back unchanged.
/// </summary>
public static class ToolCallExtractor
{
    public static ToolCallExtraction Extract(string? content, ToolCatalog tools)
    {
        // TODO(extractor helper): formats per FORMATS.md §1.3 and §2.
        return ToolCallExtraction.None(content);
    }
}
