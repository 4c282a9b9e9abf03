using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;

namespace OpsBot.VllmSimulator.Chat;

/// <summary>
/// Writes vLLM <c>chat.completion.chunk</c> events straight into the response pipe. Field sets follow
/// <c>model_dump_json(exclude_unset=True)</c> of v0.15 (e.g. <c>reasoning_content:null</c> in every delta).
/// </summary>
internal sealed class SseChunkWriter
{
    private static ReadOnlySpan<byte> DataPrefix => "data: "u8;
    private static ReadOnlySpan<byte> EventEnd => "\n\n"u8;
    private static ReadOnlySpan<byte> Done => "data: [DONE]\n\n"u8;

    private static readonly JsonEncodedText Id = JsonEncodedText.Encode("id");
    private static readonly JsonEncodedText ObjectName = JsonEncodedText.Encode("object");
    private static readonly JsonEncodedText ChunkObject = JsonEncodedText.Encode("chat.completion.chunk");
    private static readonly JsonEncodedText Created = JsonEncodedText.Encode("created");
    private static readonly JsonEncodedText Model = JsonEncodedText.Encode("model");
    private static readonly JsonEncodedText Choices = JsonEncodedText.Encode("choices");
    private static readonly JsonEncodedText Index = JsonEncodedText.Encode("index");
    private static readonly JsonEncodedText Delta = JsonEncodedText.Encode("delta");
    private static readonly JsonEncodedText Role = JsonEncodedText.Encode("role");
    private static readonly JsonEncodedText Assistant = JsonEncodedText.Encode("assistant");
    private static readonly JsonEncodedText Content = JsonEncodedText.Encode("content");
    private static readonly JsonEncodedText ReasoningContent = JsonEncodedText.Encode("reasoning_content");
    private static readonly JsonEncodedText Logprobs = JsonEncodedText.Encode("logprobs");
    private static readonly JsonEncodedText FinishReason = JsonEncodedText.Encode("finish_reason");
    private static readonly JsonEncodedText StopReason = JsonEncodedText.Encode("stop_reason");
    private static readonly JsonEncodedText TokenIds = JsonEncodedText.Encode("token_ids");
    private static readonly JsonEncodedText PromptTokenIds = JsonEncodedText.Encode("prompt_token_ids");
    private static readonly JsonEncodedText ToolCalls = JsonEncodedText.Encode("tool_calls");
    private static readonly JsonEncodedText Type = JsonEncodedText.Encode("type");
    private static readonly JsonEncodedText Function = JsonEncodedText.Encode("function");
    private static readonly JsonEncodedText Name = JsonEncodedText.Encode("name");
    private static readonly JsonEncodedText Arguments = JsonEncodedText.Encode("arguments");
    private static readonly JsonEncodedText Usage = JsonEncodedText.Encode("usage");
    private static readonly JsonEncodedText PromptTokens = JsonEncodedText.Encode("prompt_tokens");
    private static readonly JsonEncodedText TotalTokens = JsonEncodedText.Encode("total_tokens");
    private static readonly JsonEncodedText CompletionTokens = JsonEncodedText.Encode("completion_tokens");

    private readonly PipeWriter _pipe;
    private readonly Utf8JsonWriter _json;
    private readonly JsonEncodedText _id;
    private readonly JsonEncodedText _model;
    private readonly long _created;
    private readonly bool _legacy;

    public SseChunkWriter(PipeWriter pipe, string id, string model, long created, bool currentShape)
    {
        _pipe = pipe;
        _json = new Utf8JsonWriter(pipe, SimulatorJson.WriterOptions);
        _id = JsonEncodedText.Encode(id, SimulatorJson.WriterOptions.Encoder);
        _model = JsonEncodedText.Encode(model, SimulatorJson.WriterOptions.Encoder);
        _created = created;
        _legacy = !currentShape;
    }

    public void WriteRole()
    {
        BeginChoice();
        _json.WriteStartObject(Delta);
        _json.WriteString(Role, Assistant);
        _json.WriteString(Content, string.Empty);
        WriteReasoningContent();
        _json.WriteEndObject();
        _json.WriteNull(Logprobs);
        _json.WriteNull(FinishReason);
        _json.WriteEndObject();
        _json.WriteEndArray();
        _json.WriteNull(PromptTokenIds);
        End();
    }

    public void WriteDelta(in PlannedDelta delta)
    {
        BeginChoice();
        _json.WriteStartObject(Delta);
        if (delta.Kind == DeltaKind.Content)
        {
            _json.WriteString(Content, delta.Text.Span);
            WriteReasoningContent();
        }
        else
        {
            WriteReasoningContent();
            _json.WriteStartArray(ToolCalls);
            _json.WriteStartObject();
            if (delta.Kind == DeltaKind.ToolHeader)
            {
                _json.WriteString(Id, delta.ToolId);
                _json.WriteString(Type, Function);
            }

            _json.WriteNumber(Index, delta.ToolIndex);
            _json.WriteStartObject(Function);
            if (delta.Kind == DeltaKind.ToolHeader)
            {
                _json.WriteString(Name, delta.ToolName);
            }

            _json.WriteString(Arguments, delta.Text.Span);
            _json.WriteEndObject();
            _json.WriteEndObject();
            _json.WriteEndArray();
        }

        _json.WriteEndObject();
        EndChoice(finishReason: null);
    }

    public void WriteFinish(string finishReason, bool toolCalls)
    {
        BeginChoice();
        _json.WriteStartObject(Delta);

        // The legacy parser returns content="" on the EOS step; newer servers send an empty delta after tool calls.
        if (_legacy || !toolCalls)
        {
            _json.WriteString(Content, string.Empty);
        }

        WriteReasoningContent();
        _json.WriteEndObject();
        EndChoice(finishReason);
    }

    public void WriteUsage(int promptTokens, int completionTokens)
    {
        BeginChunk();
        _json.WriteStartArray(Choices);
        _json.WriteEndArray();
        _json.WriteStartObject(Usage);
        _json.WriteNumber(PromptTokens, promptTokens);
        _json.WriteNumber(TotalTokens, promptTokens + completionTokens);
        _json.WriteNumber(CompletionTokens, completionTokens);
        _json.WriteEndObject();
        End();
    }

    public void WriteDone() => _pipe.Write(Done);

    /// <summary>Writes preformatted event text (error events, fixture replay, garbage).</summary>
    public void WriteRaw(string text)
    {
        var bytes = _pipe.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
        _pipe.Advance(Encoding.UTF8.GetBytes(text, bytes));
    }

    public ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken) =>
        _pipe.FlushAsync(cancellationToken);

    private void WriteReasoningContent()
    {
        if (_legacy)
        {
            _json.WriteNull(ReasoningContent);
        }
    }

    private void BeginChunk()
    {
        _pipe.Write(DataPrefix);
        _json.Reset(_pipe);
        _json.WriteStartObject();
        _json.WriteString(Id, _id);
        _json.WriteString(ObjectName, ChunkObject);
        _json.WriteNumber(Created, _created);
        _json.WriteString(Model, _model);
    }

    private void BeginChoice()
    {
        BeginChunk();
        _json.WriteStartArray(Choices);
        _json.WriteStartObject();
        _json.WriteNumber(Index, 0);
    }

    private void EndChoice(string? finishReason)
    {
        _json.WriteNull(Logprobs);
        if (finishReason is null)
        {
            _json.WriteNull(FinishReason);
        }
        else
        {
            _json.WriteString(FinishReason, finishReason);
            _json.WriteNull(StopReason);
        }

        _json.WriteNull(TokenIds);
        _json.WriteEndObject();
        _json.WriteEndArray();
        End();
    }

    private void End()
    {
        _json.WriteEndObject();
        _json.Flush();
        _pipe.Write(EventEnd);
    }
}
