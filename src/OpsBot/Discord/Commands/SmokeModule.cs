using System.Diagnostics;
using Microsoft.Extensions.Logging;
using OpsBot.Discord.Interactions;
using OpsBot.Ops;

namespace OpsBot.Discord.Commands;

/// <summary>/smoke: runs smoke tests against the live agent and reports verdicts, timings and the agent's replies.</summary>
[RequireAdmin]
public sealed partial class SmokeModule(ISmokeTestService smoke, TimeProvider time, ILogger<SmokeModule> logger) : InteractionModuleBase
{
    public const string TwoPlusTwo = "2+2";
    public const string ListTmp = "list-tmp";
    public const string All = "all";

    [SlashCommand("smoke", "Run a smoke test against the live stack")]
    public async Task SmokeAsync(
        [Summary("test", "Which smoke test to run")]
        [Choice(TwoPlusTwo, TwoPlusTwo)]
        [Choice(ListTmp, ListTmp)]
        [Choice(All, All)]
        string test)
    {
        await DeferAsync();
        SmokeTestKind[] kinds = test switch
        {
            TwoPlusTwo => [SmokeTestKind.TwoPlusTwo],
            ListTmp => [SmokeTestKind.ListTmp],
            _ => [SmokeTestKind.TwoPlusTwo, SmokeTestKind.ListTmp, SmokeTestKind.ProxyDirect],
        };

        var progress = new ProgressMessage(
            (lines, ct) => Context.Responder.ModifyOriginalAsync(DiscordMessage.FromText($"🧪 Smoke test `{test}` running…\n{DiscordText.TailCodeBlock(lines, 1800).Block}"), ct),
            logger,
            CancellationToken);

        var results = new List<SmokeTestResult>();
        foreach (var kind in kinds)
        {
            progress.Report($"▶ {Name(kind)}");
            var started = time.GetTimestamp();
            SmokeTestResult result;
            try
            {
                result = await smoke.RunAsync(kind, progress, CancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Log.SmokeFailed(logger, kind, ex);
                result = new SmokeTestResult(kind, false, time.GetElapsedTime(started), string.Empty, $"the smoke test threw {ex.GetType().Name}");
            }

            results.Add(result);
            progress.Report($"{(result.Passed ? "✅" : "❌")} {Name(kind)} in {DiscordText.Duration(result.Elapsed)}");
        }

        await progress.FlushAsync();
        await ModifyOriginalAsync(new DiscordMessage { Embeds = [BuildEmbed(test, results, time.GetUtcNow())] });
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
                    $"{(r.Passed ? "✅" : "❌")} {Name(r.Kind)}: {(r.Passed ? "passed" : "failed")} in {DiscordText.Duration(r.Elapsed)}",
                    failure + reply);
            }).ToList(),
            Timestamp = now,
        };
    }

    public static string Name(SmokeTestKind kind) => kind switch
    {
        SmokeTestKind.TwoPlusTwo => TwoPlusTwo,
        SmokeTestKind.ListTmp => ListTmp,
        SmokeTestKind.ProxyDirect => "proxy-direct",
        _ => kind.ToString(),
    };

    private static partial class Log
    {
        [LoggerMessage(110, LogLevel.Error, "Smoke test {Kind} threw.")]
        public static partial void SmokeFailed(ILogger logger, SmokeTestKind kind, Exception exception);
    }
}
