using OpsBot.Discord.Interactions;
using OpsBot.Operations;
using OpsBot.Ops;
using OpsBot.Ops.Configuration;

namespace OpsBot.Discord.Commands;

/// <summary>
/// /smoke: runs smoke tests against the live agent and reports verdicts, timings and the agent's replies. With several
/// gateways the agent tests run on the one named in <c>target</c> (autocompleted), or on each gateway in turn.
/// </summary>
[RequireAdmin]
public sealed class SmokeModule(IOpsOperations operations, TimeProvider time, ILogger<SmokeModule> logger, OpsTargets? targets = null) : InteractionModuleBase
{
    /// <summary>Discord's progress lines: <c>▶ 2+2</c>, then <c>✅ 2+2 in 3.1 s</c> (<c>✅ 2+2 on beta in 3.1 s</c> with several gateways).</summary>
    private static readonly SmokeProgressWording Wording = new(
        kind => $"▶ {SmokeTestNames.NameOf(kind)}",
        result => $"{(result.Passed ? "✅" : "❌")} {SmokeTestNames.NameOf(result.Kind)}{SmokeTestNames.On(result)} in {DiscordText.Duration(result.Elapsed)}",
        gateway => $"— gateway {gateway} —");

    [SlashCommand("smoke", "Run a smoke test against the live stack")]
    public async Task SmokeAsync(
        [Summary("test", "Which smoke test to run")]
        SmokeTestSelection test,
        [Summary("target", "Which gateway, when several are configured (default: each in turn)")]
        [Autocomplete(typeof(GatewayTargetAutocomplete))]
        string? target = null)
    {
        if (!CommandTargets.TryResolve(targets, StackService.Gateway, target, required: false, out var gateway, out var error))
        {
            await RespondAsync("⚠️ " + error, ephemeral: true);
            return;
        }

        await DeferAsync();
        var name = EnumNames<SmokeTestSelection>.NameOf(test) + (gateway is null ? "" : $" on {gateway}");
        var progress = new ProgressMessage(
            (lines, ct) => Context.Responder.ModifyOriginalAsync(DiscordMessage.FromText($"🧪 Smoke test `{name}` running…\n{DiscordText.TailCodeBlock(lines, 1800).Block}"), ct),
            logger,
            CancellationToken);

        var user = Context.User;
        var report = await operations.RunSmokeAsync(SmokeTestNames.Kinds(test), $"{user.Username} ({user.Id}) via Discord", progress, CancellationToken, Wording, gateway);
        await progress.FlushAsync();
        await ModifyOriginalAsync(report.Error is { } failure
            ? DiscordMessage.FromText($"⚠️ Smoke test `{name}` could not run: {failure}.")
            : new DiscordMessage { Embeds = [BuildEmbed(name, report.Results, time.GetUtcNow())] });
    }

    public static DiscordEmbed BuildEmbed(string test, IReadOnlyList<SmokeTestResult> results, DateTimeOffset now)
    {
        var passed = results.Count(r => r.Passed);
        return new DiscordEmbed
        {
            Title = $"Smoke test {test}: {passed}/{results.Count} passed",
            Color = passed == results.Count ? DiscordColors.Green : DiscordColors.Red,
            Fields = results.Select(r =>
            {
                var failure = r.Failure is { Length: > 0 } f ? $"**Failure:** {Rest.DiscordLimits.Truncate(f, 300)}\n" : string.Empty;
                var reply = r.Reply.Length == 0 ? "*(no reply)*" : DiscordText.CodeBlock(r.Reply, 1000 - failure.Length);
                return new DiscordEmbedField(
                    $"{(r.Passed ? "✅" : "❌")} {SmokeTestNames.NameOf(r.Kind)}{SmokeTestNames.On(r)}: {(r.Passed ? "passed" : "failed")} in {DiscordText.Duration(r.Elapsed)}",
                    failure + reply);
            }).ToList(),
            Timestamp = now,
        };
    }
}
