using System.Text;
using System.Text.Json;

namespace OpsBot.VllmSimulator;

/// <summary>
/// Renders calls the way Qwen3-Coder writes them (docs/vllm-formats.md): one <c>&lt;parameter=…&gt;</c> block per argument, strings raw,
/// objects/arrays as JSON text, other scalars as their literal.
/// </summary>
internal static class QwenXml
{
    public static string Render(string? preamble, IReadOnlyList<SimulatedToolCall> calls)
    {
        var text = new StringBuilder(preamble);
        for (var i = 0; i < calls.Count; i++)
        {
            if (i > 0)
            {
                text.Append('\n');
            }

            text.Append("<tool_call>\n<function=").Append(calls[i].Name).Append(">\n");
            using var arguments = JsonDocument.Parse(calls[i].ArgumentsJson);
            foreach (var parameter in arguments.RootElement.EnumerateObject())
            {
                var value = parameter.Value.ValueKind == JsonValueKind.String
                    ? parameter.Value.GetString()
                    : parameter.Value.GetRawText();
                text.Append("<parameter=").Append(parameter.Name).Append(">\n").Append(value).Append("\n</parameter>\n");
            }

            text.Append("</function>\n</tool_call>");
        }

        return text.ToString();
    }
}
