namespace OpsBot.VllmSimulator;

/// <summary>The #34322 failure: the generator raises after streaming started.</summary>
public sealed record MidStreamErrorAnswer(string ContentBefore) : SimulatedAnswer
{
    /// <summary>The error event's JSON; defaults to the IndexError seen on v0.15.0.</summary>
    public string ErrorJson { get; init; } =
        """{"error":{"message":"list index out of range","type":"BadRequestError","param":null,"code":400}}""";
}
