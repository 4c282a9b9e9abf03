namespace OpsBot.VllmSimulator;

/// <summary>
/// One call as the qwen3_coder parser would report it. <paramref name="ArgumentsJson"/> is re-serialised with
/// Python <c>json.dumps</c> spacing when it is a JSON object, and sent verbatim otherwise (to simulate bad arguments).
/// </summary>
public sealed record SimulatedToolCall(string Name, string ArgumentsJson);
