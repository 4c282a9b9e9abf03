namespace OpsBot.VllmSimulator;

/// <summary>HTTP 200 with a body no OpenAI client can parse (a misbehaving reverse proxy in front of vLLM).</summary>
public sealed record GarbageAnswer : SimulatedAnswer;
