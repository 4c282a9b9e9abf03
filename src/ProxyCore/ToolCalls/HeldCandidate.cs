using OpsBot.ProxyCore.ToolCalls.Json;

namespace OpsBot.ProxyCore.ToolCalls;

/// <summary>
/// The position where the streaming scanner started holding text back, with the per-format state
/// needed to keep deciding incrementally whether a call can still start there.
/// </summary>
internal sealed class HeldCandidate(int start, CandidateKinds kinds)
{
    public int Start { get; } = start;

    /// <summary>Formats not ruled out yet.</summary>
    public CandidateKinds Open { get; set; } = kinds;

    /// <summary>
    /// Set once a complete call was seen here: nothing after it can make it "not a call" except, for a
    /// bare function, a later <c>&lt;tool_call&gt;</c> (see <see cref="StreamingToolCallScanner"/>).
    /// </summary>
    public CandidateKinds Confirmed { get; set; }

    /// <summary>Resumable scanner for the JSON of the <see cref="CandidateKinds.Json"/> candidate.</summary>
    public JsonScanner Json;

    /// <summary>Resumable scanner for the first call after a python tag or Mistral marker.</summary>
    public JsonScanner MarkerJson;

    /// <summary>Where <see cref="MarkerJson"/> starts, -1 until the marker's header is complete.</summary>
    public int MarkerJsonStart { get; set; } = -1;

    /// <summary>The v11 Mistral tool name (<c>[TOOL_CALLS]name[ARGS]</c>), if that form matched.</summary>
    public string? MistralName { get; set; }

    /// <summary>Where the search for the bare function name's closing <c>&gt;</c> resumes.</summary>
    public int FunctionNameSearchFrom { get; set; }

    /// <summary>The bare function's name was complete and declared.</summary>
    public bool FunctionNameChecked { get; set; }
}
