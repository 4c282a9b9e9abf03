using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace OpsBot.Bench.Backends;

/// <summary>
/// The agent conversations of the multi-backend run: every conversation is one OpenClaw session of the same agent (the
/// captured OpenClaw 2026.2.12 request's system prompt and 22 tools, as that agent sends them on every turn), opened by
/// its own task; each turn appends the answer the client got and a tool result of <see cref="ToolOutputBytes"/>, so a
/// turn repeats everything before it byte for byte, as an agent's history does.
/// </summary>
internal sealed class AgentWorkload
{
    public const int ToolOutputBytes = 2400;

    // Short words only: the simulator's tokenizer makes each " word" one token.
    private static readonly string[] Words =
        "I read the build log and the failing test loads a stale config file from the cache so the next step is to patch the loader run the suite again and check the output".Split(' ');

    private static readonly JsonWriterOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly byte[] _head;
    private readonly byte[] _tail;

    private AgentWorkload(byte[] head, byte[] system, byte[] tail, string source)
    {
        _head = head;
        System = system;
        _tail = tail;
        Source = source;
    }

    /// <summary>The system message as sent, raw JSON.</summary>
    public byte[] System { get; }

    public string Source { get; }

    /// <summary>Bytes every turn starts with: model, the system message, the tools (the prefix all conversations share).</summary>
    public int SharedPrefixBytes => _head.Length + System.Length + _tail.Length;

    /// <summary>What the simulated model answers on every turn: <paramref name="tokens"/> one-token words.</summary>
    public static string AnswerText(int tokens) =>
        string.Concat(Enumerable.Range(0, tokens).Select(i => " " + Words[i % Words.Length]));

    public static AgentWorkload Load(string referenceDirectory)
    {
        var path = Path.Combine(referenceDirectory, "openclaw", "openclaw-2026.2.12-mode-a-sse-what-is-2+2.json");
        using var capture = JsonDocument.Parse(File.ReadAllBytes(path));
        var root = capture.RootElement;
        var system = root.GetProperty("messages").EnumerateArray().First(m => m.GetProperty("role").GetString() == "system");

        byte[] Write(Action<Utf8JsonWriter> write)
        {
            var buffer = new ArrayBufferWriter<byte>();
            using (var writer = new Utf8JsonWriter(buffer, Relaxed))
            {
                write(writer);
            }

            return buffer.WrittenSpan.ToArray();
        }

        var head = Encoding.UTF8.GetBytes("{\"model\":" + root.GetProperty("model").GetRawText() + ",\"messages\":[");
        var tail = Encoding.UTF8.GetBytes("],\"stream\":true,\"stream_options\":{\"include_usage\":true},\"max_tokens\":"
            + root.GetProperty("max_tokens").GetRawText() + ",\"tools\":");
        var tools = Write(w => root.GetProperty("tools").WriteTo(w));
        return new AgentWorkload(head, Write(w => system.WriteTo(w)), [.. tail, .. tools, (byte)'}'], path);
    }

    /// <summary>The request body for a conversation holding <paramref name="messages"/> (raw JSON each).</summary>
    public byte[] Body(IReadOnlyList<byte[]> messages)
    {
        var length = _head.Length + _tail.Length + messages.Sum(m => m.Length + 1);
        var body = new byte[length - 1];
        var at = 0;
        _head.CopyTo(body, at);
        at += _head.Length;
        for (var i = 0; i < messages.Count; i++)
        {
            if (i > 0)
            {
                body[at++] = (byte)',';
            }

            messages[i].CopyTo(body, at);
            at += messages[i].Length;
        }

        _tail.CopyTo(body, at);
        return body;
    }

    /// <summary>The task that opens conversation <paramref name="id"/>, shaped as OpenClaw sends a user message.</summary>
    public static byte[] FirstUserMessage(int id) => UserText(string.Create(CultureInfo.InvariantCulture,
        $"Conversation {id}: the nightly job build-{id} failed on host ci-{id % 7}. Find out why, fix it and tell me what you changed."));

    /// <summary>A tool's output the agent feeds back after turn <paramref name="turn"/> (about <see cref="ToolOutputBytes"/> bytes).</summary>
    public static byte[] ToolResult(int id, int turn)
    {
        var text = new StringBuilder(ToolOutputBytes + 100);
        text.Append(CultureInfo.InvariantCulture, $"exec output for conversation {id}, step {turn}:\n");
        for (var line = 0; text.Length < ToolOutputBytes; line++)
        {
            text.Append(CultureInfo.InvariantCulture, $"[{id:000}.{turn:00}.{line:00}] src/module{(id + line) % 13}/file{line}.cs: {(line * 37 + id) % 500} lines, last build step {turn} ok\n");
        }

        return UserText(text.ToString());
    }

    public static byte[] Assistant(string content)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, Relaxed))
        {
            writer.WriteStartObject();
            writer.WriteString("role", "assistant");
            writer.WriteString("content", content);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static byte[] UserText(string text)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, Relaxed))
        {
            writer.WriteStartObject();
            writer.WriteString("role", "user");
            writer.WriteStartArray("content");
            writer.WriteStartObject();
            writer.WriteString("type", "text");
            writer.WriteString("text", text);
            writer.WriteEndObject();
            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
