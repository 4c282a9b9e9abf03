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
    public async Task The_tool_list_belongs_to_the_first_block_so_other_tools_share_nothing()
    {
        await using var sim = await VllmSimulatorServer.StartAsync(new SimulatorOptions { PrefillTokensPerSecond = 1e9 });
        using var http = new HttpClient { BaseAddress = sim.BaseUrl };
        const string User = """{"role":"user","content":"list the files"}""";

        await AskWithToolsAsync(http, sim, "read_file", System, User);
        var (firstQueried, _) = await CountersAsync(http);
        await AskWithToolsAsync(http, sim, "write_file", System, User);
        var (_, afterOtherTools) = await CountersAsync(http);
        await AskWithToolsAsync(http, sim, "read_file", System, User);
        var (_, afterSameTools) = await CountersAsync(http);

        // The chat template renders tools into the system turn: the same messages with other tools are a new prompt.
        Assert.Equal(0, afterOtherTools);
        Assert.Equal(firstQueried, afterSameTools);
    }

    [Fact]
    public async Task A_full_cache_forgets_the_least_recently_used_conversation_whole()
    {
        const string Other = """{"role":"system","content":"You are a release manager. Write notes in the house style and never push tags."}""";
        const string Ask = """{"role":"user","content":"what changed since yesterday"}""";
        await using var sim = await VllmSimulatorServer.StartAsync(new SimulatorOptions { PrefillTokensPerSecond = 1e9 });
        using var http = new HttpClient { BaseAddress = sim.BaseUrl };
        await AskAsync(http, sim, System, Ask);
        var (oneConversation, _) = await CountersAsync(http);
        await using var small = await VllmSimulatorServer.StartAsync(new SimulatorOptions { PrefillTokensPerSecond = 1e9, PrefixCacheTokens = oneConversation + 5 });
        using var smallHttp = new HttpClient { BaseAddress = small.BaseUrl };

        await AskAsync(smallHttp, small, System, Ask);
        await AskAsync(smallHttp, small, Other, Ask);
        await AskAsync(smallHttp, small, System, Ask);
        var (_, hits) = await CountersAsync(smallHttp);

        // Room for one conversation: the second pushed the first out, system message included, so nothing was reused.
        Assert.Equal(0, hits);
        await AskAsync(smallHttp, small, System, Ask);
        Assert.Equal(oneConversation, (await CountersAsync(smallHttp)).Hits);
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

    private static async Task AskWithToolsAsync(HttpClient http, VllmSimulatorServer sim, string tool, params string[] messages)
    {
        var tools = """[{"type":"function","function":{"name":""" + "\"" + tool + "\"" + ""","description":"Works on one file of the repository.","parameters":{"type":"object","properties":{"path":{"type":"string"}}}}}]""";
        var body = $$"""{"model":"{{sim.ModelName}}","messages":[{{string.Join(",", messages)}}],"tools":{{tools}}}""";
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
