using System.Text.Encodings.Web;
using System.Text.Json;

namespace OpsBot.VllmSimulator.Chat;

internal static class SimulatorJson
{
    /// <summary>
    /// vLLM dumps with <c>ensure_ascii=False</c>: no HTML escaping of &lt; &gt; &amp; ' and raw non-ASCII, which
    /// matters because Qwen XML in content must reach the proxy byte-for-byte as vLLM would send it.
    /// </summary>
    public static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };
}
