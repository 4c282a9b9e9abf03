using System.Buffers;
using OpsBot.ProxyCore.ToolCalls.Formats;
using static OpsBot.ProxyCore.ToolCalls.Formats.ToolCallMarkers;

namespace OpsBot.ProxyCore.ToolCalls;

/// <summary>
/// Recovers tool calls that vLLM left as text in <c>content</c>. Never throws: any input that is
/// not a recognised call naming a declared tool comes back unchanged.
/// </summary>
/// <remarks>
/// Formats are tried in the order of docs/vllm-formats.md, "Other tool-call formats left in content", and the first one that yields a call wins:
/// Qwen3-Coder XML, Hermes, <c>&lt;tools&gt;</c>, Mistral <c>[TOOL_CALLS]</c>, Llama <c>&lt;|python_tag|&gt;</c>,
/// fenced JSON, then JSON in the prose (object, array, one per line). All scanning is hand-written and
/// linear (no regex), so megabyte-sized content costs milliseconds.
/// </remarks>
internal static class ToolCallExtractor
{
    /// <summary>Beyond this the content is returned as is: no model answer in this stack gets near it.</summary>
    internal const int MaxContentLength = 8 * 1024 * 1024;

    // Every format needs one of these chars; prose without them is answered without any further work.
    private static readonly SearchValues<char> MarkerStarts = SearchValues.Create("<[{`");

    public static ToolCallExtraction Extract(string? content, ToolCatalog tools)
    {
        try
        {
            return ExtractUnguarded(content, tools);
        }
        catch (Exception)
        {
            // Last-resort guard for the proxy hot path; the fuzz tests call ExtractUnguarded directly so
            // the real paths are proven not to need it. Losing a recovered call beats failing the response.
            return ToolCallExtraction.None(content);
        }
    }

    internal static ToolCallExtraction ExtractUnguarded(string? content, ToolCatalog tools) => ExtractUnguarded(content, tools, out _);

    /// <param name="jsonWork">The speculative JSON scanning the run was charged (see <see cref="ExtractionContext.JsonWork"/>).</param>
    internal static ToolCallExtraction ExtractUnguarded(string? content, ToolCatalog tools, out long jsonWork)
    {
        jsonWork = 0;
        if (string.IsNullOrEmpty(content)
            || tools.Count == 0
            || content.Length > MaxContentLength
            || content.AsSpan().IndexOfAny(MarkerStarts) < 0)
        {
            return ToolCallExtraction.None(content);
        }

        var context = new ExtractionContext(content, tools);
        var found = FirstFormatWithCalls(context);
        jsonWork = context.JsonWork;
        return found ?? ToolCallExtraction.None(content);
    }

    // A format that finds no call leaves the context as it was (every format adds a span only with its calls
    // and answers "calls found"), so the next one starts clean without a reset.
    private static ToolCallExtraction? FirstFormatWithCalls(ExtractionContext context)
    {
        if (QwenXmlFormat.TryExtract(context))
        {
            return context.ToResult(ToolCallFormat.QwenXml);
        }

        if (TaggedJsonFormat.TryExtract(context, ToolCallOpen, ToolCallClose))
        {
            return context.ToResult(ToolCallFormat.Hermes);
        }

        if (TaggedJsonFormat.TryExtract(context, ToolsOpen, ToolsClose))
        {
            return context.ToResult(ToolCallFormat.ToolsTag);
        }

        if (MistralFormat.TryExtract(context))
        {
            return context.ToResult(ToolCallFormat.MistralToolCalls);
        }

        if (PythonTagFormat.TryExtract(context))
        {
            return context.ToResult(ToolCallFormat.PythonTag);
        }

        if (FencedJsonFormat.TryExtract(context))
        {
            return context.ToResult(ToolCallFormat.FencedJson);
        }

        if (EmbeddedJsonFormat.TryExtract(context, out var format))
        {
            return context.ToResult(format);
        }

        return null;
    }
}
