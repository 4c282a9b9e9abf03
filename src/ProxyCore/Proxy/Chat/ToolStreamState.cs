using System.Text;
using System.Text.Json;
using OpsBot.ProxyCore.Events;
using OpsBot.ProxyCore.Proxy.Sse;
using OpsBot.ProxyCore.ToolCalls;

namespace OpsBot.ProxyCore.Proxy.Chat;

/// <summary>What <see cref="StreamingToolCompletion"/> knows of one vLLM stream so far: text held back, calls being reassembled, the figures for the event.</summary>
internal sealed class ToolStreamState(ToolCatalog tools) : IDisposable
{
    private bool _moreBuffered;

    public ChunkHeader? Header { get; set; }
    public SseChunkEmitter? Emitter { get; set; }
    public StreamingToolCallScanner Holdback { get; } = new(tools);
    public ToolCallAccumulator NativeCalls { get; } = new();
    public string? FinishReason { get; set; }
    public JsonElement? Usage { get; set; }
    public int? PromptTokens { get; set; }
    public int? CompletionTokens { get; set; }
    public int ContentLength { get; set; }
    public int ToolCalls { get; set; }
    public ToolCallFormat? Format { get; set; }
    public TimeSpan? FirstByte { get; set; }
    public bool SawDone { get; set; }

    /// <summary>Bytes of event data read so far.</summary>
    public long Received { get; set; }

    /// <summary>The text the client was sent so far (not what is held back): what a continuation must carry on from.</summary>
    public StringBuilder Sent { get; } = new();

    /// <summary>False when asking vLLM to carry on the answer makes no sense (it was already larger than the proxy takes).</summary>
    public bool CanContinue { get; set; } = true;

    /// <summary>More upstream data is already at hand: the emitter keeps its events for one send.</summary>
    public bool MoreBuffered
    {
        get => _moreBuffered;
        set
        {
            _moreBuffered = value;
            if (Emitter is not null)
            {
                Emitter.Defer = value;
            }
        }
    }
    public string? Error { get; set; }

    /// <summary>The stream ended for the client (whole, or with an error event after text): its figures go to the event.</summary>
    public void RecordFinished(CompletionEventRecorder recorder, bool emptyAnswer, string? error, bool continued = false)
    {
        recorder.Path = CompletionPath.Streamed;
        recorder.UpstreamStatus = 200;
        if (FirstByte is { } firstByte)
        {
            recorder.TimeToFirstByte = firstByte;
        }
        else
        {
            recorder.AnsweredAtEnd();
        }

        recorder.PromptTokens = PromptTokens;
        recorder.CompletionTokens = CompletionTokens;
        recorder.ToolCalls = ToolCalls;
        recorder.ToolCallFormat = Format;
        recorder.ContentLength = ContentLength;
        recorder.EmptyAnswer = emptyAnswer;
        recorder.Continued = continued;
        recorder.Error = error;
    }

    /// <summary>The client left: what it got so far is recorded; the calls held back were never sent.</summary>
    public void RecordClientLeft(CompletionEventRecorder recorder)
    {
        recorder.Failed(CompletionPath.Streamed, CompletionEvent.ClientDisconnected, answered: false);
        recorder.TimeToFirstByte = FirstByte;
        recorder.PromptTokens = PromptTokens;
        recorder.CompletionTokens = CompletionTokens;
        recorder.ContentLength = ContentLength;
    }

    public void Dispose() => Emitter?.Dispose();
}
