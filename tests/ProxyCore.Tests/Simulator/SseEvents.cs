namespace OpsBot.ProxyCore.Tests.Simulator;

/// <summary>Splits an SSE body into its <c>data:</c> payloads, checking the framing vLLM uses (data-only events, blank-line separated).</summary>
internal static class SseEvents
{
    public static IReadOnlyList<string> Parse(string body)
    {
        Assert.EndsWith("\n\n", body);
        var events = new List<string>();
        foreach (var block in body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            Assert.StartsWith("data: ", block);
            Assert.DoesNotContain('\n', block);
            events.Add(block["data: ".Length..]);
        }

        return events;
    }
}
