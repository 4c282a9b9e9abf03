using System.Globalization;
using System.Text.RegularExpressions;
using OpsBot.Alerts;
using OpsBot.Components;
using OpsBot.Discord;
using OpsBot.Discord.Rest;
using OpsBot.Ops;
using OpsBot.ProxyCore.Proxy.Backends;
using OpsBot.Status;

namespace OpsBot.Tests.Status;

/// <summary>/status must read at a glance on a phone (~420 px, about 40 characters a line), and say each fact once, in one format.</summary>
public sealed partial class StatusRenderingTests
{
    /// <summary>About what a 420 px phone shows on one line of an embed.</summary>
    private const int PhoneLine = 40;

    [Fact]
    public void Headline_has_one_short_line_per_service_with_its_state_and_key_figure()
    {
        var embed = StatusEmbedRenderer.BuildEmbed(StatusSamples.Report(), StatusSamples.Now);

        var headline = embed.Description!.Split('\n');
        Assert.Equal(
        [
            "✅ **vLLM** · KV cache 41 %",
            "✅ **proxy** · 240 req/h · p95 18 s",
            $"✅ **gateway** · started <t:{StatusSamples.Now.AddHours(-5).AddMinutes(-12).ToUnixTimeSeconds()}:R>",
        ], headline);
        Assert.All(headline, line => Assert.True(Visible(line) <= PhoneLine, $"{Visible(line)} > {PhoneLine}: {line}"));
        Assert.Equal(DiscordColors.Green, embed.Color);
    }

    [Fact]
    public void Fields_carry_the_figures_an_operator_acts_on_one_per_service_none_inline()
    {
        var embed = StatusEmbedRenderer.BuildEmbed(StatusSamples.Report(), StatusSamples.Now);

        var fields = embed.Fields.ToDictionary(f => f.Name, f => f.Value);
        Assert.Equal(["vLLM", "proxy · last hour", "gateway", "OpsBot components"], embed.Fields.Select(f => f.Name));
        Assert.DoesNotContain(embed.Fields, f => f.Inline);
        Assert.Equal(
            $"Qwen/Qwen3-Coder-Next-FP8\n2 running · 1 waiting\nKV cache 41 % · 38 tok/s\ncontainer running\nstarted {T(StatusSamples.Now.AddDays(-2).AddHours(-3))} · 1 restart",
            fields["vLLM"]);
        Assert.Equal(
            $"240 requests · 0 errors · 1 empty\nlatency p50 4.1 s · p95 18 s\nfirst token p50 650 ms · p95 2.3 s\nlistening on port 8003\nstarted {T(StatusSamples.Now.AddDays(-2))}",
            fields["proxy · last hour"]);
        Assert.Equal($"active (running)\nstarted {T(StatusSamples.Now.AddHours(-5).AddMinutes(-12))} · 2 restarts", fields["gateway"]);
        // The disabled component says why; the ones merely not configured are one quiet footer line.
        Assert.Equal("❌ **ops** disabled: Ops:Restart:Cooldown: '-5' must be positive.", fields["OpsBot components"]);
        Assert.Equal("off: vllm-container, charts", embed.FooterText);
        Assert.All(embed.Fields.SelectMany(f => f.Value.Split('\n')).Where(l => !l.StartsWith('❌')),
            line => Assert.True(Visible(line) <= PhoneLine, $"{Visible(line)} > {PhoneLine}: {line}"));
    }

    [Fact]
    public void Every_time_is_a_discord_timestamp_and_every_service_has_one_spelling()
    {
        var report = StatusSamples.Report(requests: 12, errors: 3,
            silences: [new ActiveSilence(AlertTarget.Vllm, StatusSamples.Now, StatusSamples.Now.AddMinutes(30), "alice")]);
        var embed = StatusEmbedRenderer.BuildEmbed(report, StatusSamples.Now);
        var text = string.Join("\n", new[] { embed.Title, embed.Description, embed.FooterText }.Concat(embed.Fields.SelectMany(f => new[] { f.Name, f.Value })));

        Assert.DoesNotMatch(@"\d{4}-\d{2}-\d{2}|\d{2}:\d{2}|UTC", text);
        Assert.Matches(@"last failure <t:\d+:R>: upstream 500", text);
        Assert.Contains("🔕 vLLM alerts silenced until <t:", text);
        Assert.DoesNotMatch(@"\bvllm\b|\bVllm\b|\bProxy\b|\bGateway\b", text.Replace("vllm-container", "", StringComparison.Ordinal));
    }

    [Fact]
    public void A_service_that_is_not_healthy_says_its_state_up_top_and_why_first_in_its_field()
    {
        var report = StatusSamples.Report(vllm: StatusSamples.Vllm(HealthState.Down));

        var embed = StatusEmbedRenderer.BuildEmbed(report, StatusSamples.Now);

        Assert.Equal("❌ **vLLM** · down", embed.Description!.Split('\n')[0]);
        Assert.StartsWith("container exited (exit code 137)\n", embed.Fields[0].Value);
        Assert.Equal(DiscordColors.Red, embed.Color);
    }

    [Fact]
    public void A_snapshot_older_than_30_seconds_says_when_it_was_probed()
    {
        var probed = StatusSamples.Now.AddMinutes(-3);

        var embed = StatusEmbedRenderer.BuildEmbed(StatusSamples.Report(takenAt: probed), StatusSamples.Now);

        Assert.EndsWith($"\n_probed {T(probed)}_", embed.Description);
        Assert.Equal(probed, embed.Timestamp);
    }

    [Fact]
    public void Long_reasons_and_many_components_stay_within_discord_embed_limits()
    {
        var reason = string.Concat(Enumerable.Repeat("the reason is long ", 200));
        var report = StatusSamples.Report(
            vllm: new ServiceStatus(StackService.Vllm, HealthState.Down, reason, []),
            components: [.. ComponentNames.All.Select(n => new ComponentStatus(n, ComponentState.Failed, reason))]);

        var message = StatusEmbedRenderer.Render(report, StatusSamples.Now, [new DiscordButton("chart:24h", "Charts (24 h)")]);

        var embed = Assert.Single(message.Embeds);
        Assert.All(embed.Fields, f => Assert.True(f.Value.Length <= DiscordLimits.FieldValue && f.Name.Length <= DiscordLimits.FieldName));
        Assert.True(embed.Fields.Count <= DiscordLimits.EmbedFields);
        Assert.True(embed.Description!.Length <= DiscordLimits.EmbedDescription);
        var total = embed.Title!.Length + embed.Description.Length + (embed.FooterText?.Length ?? 0) + embed.Fields.Sum(f => f.Name.Length + f.Value.Length);
        Assert.True(total <= DiscordLimits.EmbedTotal, $"{total} characters");
    }

    [Fact]
    public void The_terminal_shows_the_same_figures_with_times_it_can_print()
    {
        var report = StatusSamples.Report(requests: 12, errors: 7);

        var text = new StatusTextRenderer().Render(report);

        var lines = text.Split('\n');
        Assert.Contains("  vLLM     healthy   KV cache 41 %", lines);
        Assert.Contains("  proxy    degraded  7 of 12 requests failed in the last hour", lines);
        Assert.Contains("                     12 requests · 7 errors · 1 empty", lines);
        Assert.Contains("                     latency p50 4.1 s · p95 18 s", lines);
        Assert.Contains("                     last failure 7 min ago: upstream 500: model overloaded", lines);
        Assert.Contains("                     started 5 h 12 min ago · 2 restarts", lines);
        Assert.Contains("  ops            disabled  Ops:Restart:Cooldown: '-5' must be positive.", lines);
        Assert.DoesNotContain("<t:", text);
        Assert.All(lines, l => Assert.True(l.Length <= 80, l));
    }

    [Fact]
    public void Several_vllm_backends_get_one_line_each_in_discord_and_the_terminal()
    {
        var report = StatusSamples.Report() with
        {
            VllmBackends =
            [
                new BackendSnapshot("gpu1:8000", "http://gpu1:8000/", BackendSnapshot.Healthy, 3, 120, "answered 503"),
                new BackendSnapshot("gpu2:8000", "http://gpu2:8000/", "cooling_down", 0, 98, "Connection refused (gpu2:8000)"),
            ],
        };

        var embed = StatusEmbedRenderer.BuildEmbed(report, StatusSamples.Now);
        var text = new StatusTextRenderer().Render(report).Split('\n');

        var field = Assert.Single(embed.Fields, f => f.Name == BackendLines.Title);
        Assert.Equal("gpu1:8000 healthy · 3 in flight, 120 served\ngpu2:8000 cooling down · 0 in flight, 98 served · Connection refused (gpu2:8000)", field.Value);
        Assert.Contains("vLLM backends:", text);
        Assert.Contains("  gpu2:8000 cooling down · 0 in flight, 98 served · Connection refused (gpu2:8000)", text);
    }

    [Fact]
    public void One_vllm_backend_adds_no_backend_section()
    {
        var report = StatusSamples.Report();

        Assert.DoesNotContain(StatusEmbedRenderer.BuildEmbed(report, StatusSamples.Now).Fields, f => f.Name == BackendLines.Title);
        Assert.DoesNotContain(BackendLines.Title, new StatusTextRenderer().Render(report));
    }

    /// <summary>
    /// What a reader sees of a line: markdown marks take no room, a timestamp takes as much as its longest English
    /// rendering ("a few seconds ago"), an emoji two columns.
    /// </summary>
    internal static int Visible(string line)
    {
        var shown = TimestampPattern().Replace(line.Replace("**", "", StringComparison.Ordinal), "a few seconds ago");
        var width = 0;
        var elements = StringInfo.GetTextElementEnumerator(shown);
        while (elements.MoveNext())
        {
            width += char.IsSurrogate(elements.GetTextElement()[0]) || elements.GetTextElement().Length > 1 ? 2 : 1;
        }

        return width;
    }

    private static string T(DateTimeOffset at) => $"<t:{at.ToUnixTimeSeconds()}:R>";

    [GeneratedRegex(@"<t:\d+:R>")]
    private static partial Regex TimestampPattern();
}
