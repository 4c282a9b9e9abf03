using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using OpsBot.VllmSimulator;

namespace OpsBot.ProxyCore.Tests.Simulator;

/// <summary>The prefix-cache model the multi-backend benchmark relies on: a conversation's next turn pays only for what is new.</summary>
public sealed partial class SimulatorPrefixCacheTests
{
    private const string System = """{"role":"system","content":"You are a coding agent working in /srv/repo. Use the tools you are given."}""";

    [Fact]
    public async Task A_later_turn_finds_the_earlier_turn_cached_and_another_conversation_only_the_shared_system_prompt()
    {
        // Prompt processing at a billion tokens per second: the cache is checked by its counters, not by timing.
        await using var sim = await VllmSimulatorServer.StartAsync(new SimulatorOptions { PrefillTokensPerSecond = 1e9 });
        using var http = new HttpClient { BaseAddress = sim.BaseUrl };

        await AskAsync(http, sim, System, """{"role":"user","content":"fix the failing build in module alpha please"}""");
        var (firstQueried, firstHits) = await CountersAsync(http);
        await AskAsync(http, sim, System, """{"role":"user","content":"fix the failing build in module alpha please"}""",
            """{"role":"assistant","content":"Done, the build passes."}""", """{"role":"user","content":"now run the tests"}""");
        var (secondQueried, secondHits) = await CountersAsync(http);
        await AskAsync(http, sim, System, """{"role":"user","content":"write the release notes for version two"}""");
        var (_, thirdHits) = await CountersAsync(http);

        Assert.Equal(0, firstHits);
        // The second turn's cached prefix is exactly the first turn's prompt.
        Assert.Equal(firstQueried, secondHits);
        Assert.True(secondQueried > 2 * firstQueried - 1, $"{secondQueried} tokens queried in all");
        // A new conversation shares only the system message.
        Assert.InRange(thirdHits - secondHits, 1, firstQueried - 1);
    }

    [Fact]
    public async Task Without_the_option_nothing_is_counted_as_cached()
    {
        await using var sim = await VllmSimulatorServer.StartAsync();
        using var http = new HttpClient { BaseAddress = sim.BaseUrl };

        await AskAsync(http, sim, System, """{"role":"user","content":"hello"}""");
        await AskAsync(http, sim, System, """{"role":"user","content":"hello"}""");

        Assert.Equal(0, (await CountersAsync(http)).Hits);
    }

    private static async Task AskAsync(HttpClient http, VllmSimulatorServer sim, params string[] messages)
    {
        var body = $$"""{"model":"{{sim.ModelName}}","messages":[{{string.Join(",", messages)}}]}""";
        using var response = await http.PostAsync("/v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private static async Task<(long Queried, long Hits)> CountersAsync(HttpClient http)
    {
        var metrics = await http.GetStringAsync("/metrics");
        long Read(string name) => long.Parse(Regex.Match(metrics, $@"^{Regex.Escape(name)}\{{[^}}]*\}} ([0-9.]+)", RegexOptions.Multiline).Groups[1].Value.Split('.')[0], CultureInfo.InvariantCulture);
        return (Read("vllm:prefix_cache_queries_total"), Read("vllm:prefix_cache_hits_total"));
    }
}
