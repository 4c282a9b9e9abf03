using OpsBot.Discord;
using OpsBot.Discord.Rest;
using OpsBot.Ops;
using OpsBot.Status;

namespace OpsBot.Tests.Status;

/// <summary>/status with several gateways and vLLM servers: a summary per service up top, each target's own state and figures below.</summary>
public sealed class StatusTargetRenderingTests
{
    private const int PhoneLine = 40;

    private static StatusReport Report(IReadOnlyList<ServiceStatus> services) =>
        StatusSamples.Report() with { Stack = new StackStatus(StatusSamples.Now, services) };

    private static string T(DateTimeOffset at) => $"<t:{at.ToUnixTimeSeconds()}:R>";

    [Fact]
    public void The_headline_sums_up_each_service_with_targets_and_names_the_ones_not_up()
    {
        var embed = StatusEmbedRenderer.BuildEmbed(Report(StatusSamples.Targets(2, 2, "gw-b")), StatusSamples.Now);

        var headline = embed.Description!.Split('\n');
        Assert.Equal(["✅ **vLLMs** · 2/2 up", "✅ **proxy** · 240 req/h · p95 18 s", "⚠️ **gateways** · 1/2 up · gw-b down"], headline);
        Assert.All(headline, line => Assert.True(StatusRenderingTests.Visible(line) <= PhoneLine, line));
        // One gateway of two is down: the stack as a whole is down (red), the gateways' own line is a partial outage.
        Assert.Equal(DiscordColors.Red, embed.Color);
    }

    [Fact]
    public void Each_target_has_its_own_field_opening_with_its_state()
    {
        var embed = StatusEmbedRenderer.BuildEmbed(Report(StatusSamples.Targets(2, 2, "gw-b")), StatusSamples.Now);

        Assert.Equal(["vLLM · gpu-a", "vLLM · gpu-b", "proxy · last hour", "gateway · gw-a", "gateway · gw-b", "OpsBot components"], embed.Fields.Select(f => f.Name));
        var fields = embed.Fields.ToDictionary(f => f.Name, f => f.Value);
        Assert.Equal($"✅ healthy\nactive (running)\nstarted {T(StatusSamples.Now.AddHours(-5).AddMinutes(-12))} · 2 restarts", fields["gateway · gw-a"]);
        Assert.Equal($"❌ down\nunit is failed (failed), port 18789 closed (connection refused)\nfailed (failed)\nstarted {T(StatusSamples.Now.AddMinutes(-9))} · 5 restarts", fields["gateway · gw-b"]);
        // Throughput comes from the first vLLM's metrics history: only its field shows it.
        Assert.Contains("KV cache 41 % · 38 tok/s", fields["vLLM · gpu-a"]);
        Assert.DoesNotContain("tok/s", fields["vLLM · gpu-b"]);
        Assert.StartsWith("✅ healthy\nQwen/Qwen3-Coder-Next-FP8", fields["vLLM · gpu-b"]);
    }

    [Fact]
    public void Eight_gateways_and_eight_vllm_servers_fit_discords_limits_with_a_field_each_and_phone_wide_lines()
    {
        var report = Report(StatusSamples.Targets(8, 8, "gpu-c", "gw-b", "gw-h"));

        var embed = StatusEmbedRenderer.BuildEmbed(report, StatusSamples.Now);

        AssertWithinLimits(embed);
        Assert.Equal(8, embed.Fields.Count(f => f.Name.StartsWith("gateway · ", StringComparison.Ordinal)));
        Assert.Equal(8, embed.Fields.Count(f => f.Name.StartsWith("vLLM · ", StringComparison.Ordinal)));
        Assert.Contains("⚠️ **gateways** · 6/8 up · gw-b down, gw-h …", embed.Description!.Split('\n'));
        Assert.All(embed.Description!.Split('\n'), line => Assert.True(StatusRenderingTests.Visible(line) <= PhoneLine, line));
        Assert.All(embed.Fields.SelectMany(f => f.Value.Split('\n')).Where(l => !l.StartsWith('❌') && !l.StartsWith("unit is", StringComparison.Ordinal)),
            line => Assert.True(StatusRenderingTests.Visible(line) <= PhoneLine, $"{StatusRenderingTests.Visible(line)}: {line}"));
    }

    [Fact]
    public void Too_many_targets_for_a_field_each_get_a_line_each_in_one_field_per_service()
    {
        var report = Report(StatusSamples.Targets(12, 12, "gw-e"));

        var embed = StatusEmbedRenderer.BuildEmbed(report, StatusSamples.Now);

        AssertWithinLimits(embed);
        Assert.Equal(["vLLMs", "proxy · last hour", "gateways", "OpsBot components"], embed.Fields.Select(f => f.Name));
        var gateways = embed.Fields.Single(f => f.Name == "gateways").Value.Split('\n');
        Assert.Equal(12, gateways.Length);
        Assert.Equal("❌ **gw-e** · down", gateways[4]);
        Assert.StartsWith("✅ **gw-a** · started <t:", gateways[0]);
    }

    [Fact]
    public void Every_part_at_its_longest_still_fits_one_embed()
    {
        var reason = string.Concat(Enumerable.Repeat("the reason is long ", 200));
        var longName = new string('g', 32);
        var services = StatusSamples.Targets(40, 0).Concat(Enumerable.Range(0, 40).Select(i =>
            new ServiceStatus(StackService.Gateway, HealthState.Down, reason, []) { Target = $"{longName[..30]}{i:00}" })).ToList();
        var report = StatusSamples.Report(components: [.. OpsBot.Components.ComponentNames.All.Select(n => new OpsBot.Components.ComponentStatus(n, OpsBot.Components.ComponentState.Failed, reason))]) with
        {
            Stack = new StackStatus(StatusSamples.Now, services),
            VllmBackends = [.. Enumerable.Range(0, 20).Select(i => new OpsBot.ProxyCore.Proxy.Backends.BackendSnapshot($"gpu{i}:8000", $"http://gpu{i}:8000/", "down", 0, 0, reason))],
            Silences = [.. Enumerable.Range(0, 40).Select(i => new OpsBot.Alerts.ActiveSilence(OpsBot.Alerts.AlertTarget.Gateway, StatusSamples.Now, StatusSamples.Now.AddMinutes(i + 1), "alice"))],
        };
        // Every field at Discord's 1024 characters is more than the 6000 of the whole embed: the longest are shortened.
        report = report with { Proxy = report.Proxy! with { LastFailure = reason, LastFailureAt = StatusSamples.Now.AddMinutes(-1) } };

        var embed = StatusEmbedRenderer.BuildEmbed(report, StatusSamples.Now);

        AssertWithinLimits(embed);
        Assert.Equal(["vLLMs", "proxy · last hour", "gateways", "vLLM backends", "OpsBot components", "alerts"], embed.Fields.Select(f => f.Name));
        Assert.Contains(embed.Fields, f => f.Value.Length < DiscordLimits.FieldValue - 100 && f.Value.EndsWith('…'));
    }

    [Fact]
    public void One_named_target_is_shown_with_its_name_and_one_unnamed_target_exactly_as_before()
    {
        var named = StatusEmbedRenderer.BuildEmbed(Report(StatusSamples.Targets(1, 1)), StatusSamples.Now);
        var unnamed = StatusEmbedRenderer.BuildEmbed(StatusSamples.Report(), StatusSamples.Now);

        Assert.Contains("✅ **gateways** · 1/1 up", named.Description!.Split('\n'));
        Assert.Contains(named.Fields, f => f.Name == "gateway · gw-a");
        Assert.Equal(["vLLM", "proxy · last hour", "gateway", "OpsBot components"], unnamed.Fields.Select(f => f.Name));
        Assert.Contains("✅ **gateway** · started", unnamed.Description);
    }

    [Fact]
    public void The_terminal_shows_a_summary_line_per_service_and_a_line_per_target_under_it()
    {
        var report = Report(StatusSamples.Targets(2, 2, "gw-b"));

        var text = new StatusTextRenderer().Render(report);

        var lines = text.Split('\n');
        Assert.Contains("  vLLMs    healthy   2/2 up", lines);
        Assert.Contains("    gpu-a  healthy   KV cache 41 %", lines);
        Assert.Contains("    gpu-b  healthy   KV cache 41 %", lines);
        Assert.Contains("  gateways degraded  1/2 up · gw-b down", lines);
        Assert.Contains("    gw-a   healthy   started 5 h 12 min ago", lines);
        Assert.Contains("    gw-b   down      unit is failed (failed), port 18789 closed (connection refused)", lines);
        Assert.Contains("                     started 9 min ago · 5 restarts", lines);
        Assert.Equal(1, lines.Count(l => l.Contains("tok/s", StringComparison.Ordinal)));
        var gwB = Array.IndexOf(lines, "    gw-b   down      unit is failed (failed), port 18789 closed (connection refused)");
        Assert.True(gwB > Array.IndexOf(lines, "    gw-a   healthy   started 5 h 12 min ago"));
    }

    [Fact]
    public void A_list_entry_named_default_next_to_named_ones_is_still_named()
    {
        var report = Report([StatusSamples.Vllm(), StatusSamples.Proxy(), StatusSamples.GatewayDown(), StatusSamples.Gateway() with { Target = "gw-b" }]);

        var embed = StatusEmbedRenderer.BuildEmbed(report, StatusSamples.Now);
        var text = new StatusTextRenderer().Render(report).Split('\n');

        Assert.Equal(["vLLM", "proxy · last hour", "gateway · default", "gateway · gw-b", "OpsBot components"], embed.Fields.Select(f => f.Name));
        Assert.Contains("⚠️ **gateways** · 1/2 up · default down", embed.Description!.Split('\n'));
        Assert.Contains(text, l => l.StartsWith("    default down      unit is failed", StringComparison.Ordinal));
    }

    private static void AssertWithinLimits(DiscordEmbed embed)
    {
        Assert.True(embed.Fields.Count <= DiscordLimits.EmbedFields, $"{embed.Fields.Count} fields");
        Assert.All(embed.Fields, f => Assert.True(f.Value.Length <= DiscordLimits.FieldValue && f.Name.Length <= DiscordLimits.FieldName, f.Name));
        var total = embed.Title!.Length + embed.Description!.Length + (embed.FooterText?.Length ?? 0) + embed.Fields.Sum(f => f.Name.Length + f.Value.Length);
        Assert.True(total <= DiscordLimits.EmbedTotal, $"{total} characters");
    }
}
