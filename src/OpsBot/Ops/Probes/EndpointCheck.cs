namespace OpsBot.Ops.Probes;

/// <summary>One HTTP GET: the status code when the server answered, otherwise why it did not.</summary>
public sealed record EndpointCheck(int? StatusCode, string? Error, TimeSpan Elapsed)
{
    public bool Ok => StatusCode is >= 200 and < 300;

    public string Describe() => StatusCode is { } code
        ? $"{code} ({Elapsed.TotalMilliseconds:0} ms)"
        : Error ?? "no answer";
}
