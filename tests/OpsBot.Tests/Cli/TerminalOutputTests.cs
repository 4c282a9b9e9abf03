using Microsoft.Extensions.Time.Testing;
using OpsBot.Alerts;
using OpsBot.Cli;
using OpsBot.History;
using OpsBot.Operations;
using OpsBot.Ops;
using OpsBot.Status;
using OpsBot.ProxyCore.Events;

namespace OpsBot.Tests.Cli;

/// <summary>What the CLI's output looks like on a terminal and in a pipe: widths, plurals, colour, heartbeats.</summary>
public sealed class TerminalOutputTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Long_lines_break_between_words_under_their_first_word()
    {
        var line = "  gateway  down      " + string.Join(' ', Enumerable.Range(1, 30).Select(i => $"word{i}"));

        var fitted = TextLayout.Fit(line + "\n", 80);

        var lines = fitted.TrimEnd('\n').Split('\n');
        Assert.True(lines.Length > 1);
        Assert.All(lines, l => Assert.True(l.Length <= 80, l));
        Assert.All(lines.Skip(1), l => Assert.StartsWith("    word", l));
        Assert.Equal(line.Split(' ', StringSplitOptions.RemoveEmptyEntries), string.Join(' ', lines).Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Colour_codes_take_no_columns_and_only_a_word_wider_than_the_line_is_cut()
    {
        var coloured = TextStyle.Ansi.Bad("down") + " " + new string('x', 70);
        Assert.Equal(75, TextLayout.VisibleLength(coloured));
        Assert.Equal(coloured + "\n", TextLayout.Fit(coloured, 80));

        var token = new string('t', 100);
        var cut = TextLayout.Fit($"key: {token}", 80).TrimEnd('\n').Split('\n');
        Assert.All(cut, l => Assert.True(l.Length <= 80, l));
        Assert.Equal(["key:", .. Enumerable.Repeat("  ", cut.Length - 1)], cut.Select(l => l.StartsWith("  ", StringComparison.Ordinal) ? "  " : l));
        Assert.Equal(token, string.Concat(cut.Skip(1).Select(l => l.TrimStart())));
    }

    [Theory]
    [InlineData(1, 1, 1, "Proxy: 1 request since", "1 request · 1 error · 1 empty")]
    [InlineData(2, 0, 3, "Proxy: 2 requests since", "2 requests · 0 errors · 3 empty")]
    public void Counts_read_as_english(int requests, int errors, int empty, string total, string lastHour)
    {
        var report = Report(new StackStatus(Now, [new ServiceStatus(StackService.Proxy, HealthState.Healthy, "listening", [])]),
            proxy: new ProxyStatisticsSnapshot(Now.AddHours(-1), TimeSpan.FromHours(1), requests, requests, errors, empty, null, null))
            with { LastHour = new ProxyTraffic(requests, errors, empty) };

        var text = new PlainTextRenderer().RenderStatus(report).ReplaceLineEndings(" ");

        Assert.Contains(total, text);
        Assert.Contains(lastHour, text);
    }

    [Fact]
    public void Traffic_and_log_headers_use_singular_for_one()
    {
        var renderer = new PlainTextRenderer();
        var history = new HistoryReport(new HistoryQuery(HistoryKind.Traffic, TimeSpan.FromHours(1)), Now.AddHours(-1), Now, new HistoryHealth(HistoryState.Available, "/db", null), null,
            [], [], [], [], new TrafficSummary(Now.AddHours(-1), Now, 1, 0, 1, 1, 10, 5, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), 1));

        Assert.Contains("Proxy traffic: 1 request, 0 failed, 1 empty answer, 1 loop-guard abort", renderer.RenderHistory(history));
        Assert.Contains("busiest minute 1 request", renderer.RenderHistory(history));
        Assert.Equal("Last 1 of 1 requested line of the proxy log:", renderer.LogsHeader(new LogTail(StackService.Proxy, 1, ["x"])));
    }

    [Fact]
    public void A_service_down_now_is_never_shown_beside_100_percent()
    {
        // History has no outage yet (just detected, or the service was not running to record it).
        var stack = new StackStatus(Now,
        [
            new ServiceStatus(StackService.Vllm, HealthState.Down, "API unreachable", []),
            new ServiceStatus(StackService.Proxy, HealthState.Healthy, "listening", []),
        ]);
        var text = new PlainTextRenderer().RenderStatus(Report(stack, AvailabilityCalculator.Compute([], TimeSpan.FromHours(24), Now.AddHours(-24), Now)));

        Assert.Contains(": DOWN", text);
        Assert.DoesNotContain("up 100.0 %", text);
        Assert.DoesNotContain("vLLM 100.0 %", text);
        Assert.Contains("Uptime over 24 h: vLLM down now (no outage recorded yet), proxy 100.0 %, gateway 100.0 %", text);
    }

    [Fact]
    public void A_few_seconds_of_outage_in_a_day_is_not_rounded_up_to_100_percent()
    {
        var blip = new IncidentRecord(1, "k", StackService.Vllm, AlertSeverity.Critical, "vLLM down", null, Now.AddMinutes(-10), Now.AddMinutes(-10).AddSeconds(5), 1, true, false);
        var stack = new StackStatus(Now, [new ServiceStatus(StackService.Vllm, HealthState.Healthy, "ok", [])]);

        var text = new PlainTextRenderer().RenderStatus(Report(stack, AvailabilityCalculator.Compute([blip], TimeSpan.FromHours(24), Now.AddHours(-24), Now)));

        Assert.Contains("Uptime: up 99.9 % over 24 h (vLLM 99.9 %, proxy 100.0 %, gateway 100.0 %)", text);
    }

    [Fact]
    public void Colour_only_on_a_terminal_and_never_with_no_color()
    {
        Assert.Same(TextStyle.Ansi, TextStyle.For(isTerminal: true, _ => null));
        Assert.Same(TextStyle.Plain, TextStyle.For(isTerminal: false, _ => null));
        Assert.Same(TextStyle.Plain, TextStyle.For(isTerminal: true, key => key == "NO_COLOR" ? "1" : null));
        Assert.Same(TextStyle.Ansi, TextStyle.For(isTerminal: true, key => key == "NO_COLOR" ? "" : null));
        Assert.Same(TextStyle.Plain, TextStyle.For(isTerminal: true, key => key == "TERM" ? "dumb" : null));

        var stack = new StackStatus(Now, [new ServiceStatus(StackService.Vllm, HealthState.Down, "API unreachable", [])]);
        var coloured = new PlainTextRenderer(TextStyle.Ansi).RenderStatus(Report(stack));
        var plain = new PlainTextRenderer(TextStyle.Plain).RenderStatus(Report(stack));

        Assert.Contains("\e[1;31mDOWN\e[0m", coloured);
        Assert.DoesNotContain('\e', plain);
        Assert.Contains("  vLLM     down      API unreachable", plain);
        // Padding counts what shows, not the escape codes: the summary starts in the same column.
        Assert.Equal(plain.Split('\n')[1].IndexOf("API", StringComparison.Ordinal), TextLayout.VisibleLength(coloured.Split('\n')[1][..coloured.Split('\n')[1].IndexOf("API", StringComparison.Ordinal)]));
    }

    [Fact]
    public void A_heartbeat_shows_on_a_terminal_what_is_awaited_and_for_how_long_then_clears()
    {
        var time = new FakeTimeProvider(Now);
        var error = new StringWriter();
        var console = new CliConsole(new StringWriter(), error, errorIsTerminal: true);

        using (var heartbeat = new Heartbeat(console, time, "asking the service"))
        {
            time.Advance(TimeSpan.FromSeconds(1));
            time.Advance(TimeSpan.FromSeconds(1));
            heartbeat.Step("probing vLLM");
            time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal("\r\e[K… asking the service (1 s)\r\e[K… asking the service (2 s)\r\e[K… probing vLLM (1 s)\r\e[K", error.ToString());
    }

    [Fact]
    public void No_heartbeat_when_stderr_is_not_a_terminal()
    {
        var time = new FakeTimeProvider(Now);
        var error = new StringWriter();

        using (new Heartbeat(new CliConsole(new StringWriter(), error, errorIsTerminal: false), time, "asking the service"))
        {
            time.Advance(TimeSpan.FromSeconds(5));
        }

        Assert.Equal("", error.ToString());
    }

    private static StatusReport Report(StackStatus stack, AvailabilityReport? availability = null, ProxyStatisticsSnapshot? proxy = null) =>
        new(Now, stack, null, proxy, availability, [], new HistoryHealth(HistoryState.Available, "/db", null), [], []);
}
