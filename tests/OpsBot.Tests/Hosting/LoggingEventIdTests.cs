using System.Reflection;
using Microsoft.Extensions.Logging;
using OpsBot.Hosting;
using OpsBot.ProxyCore.Events;

namespace OpsBot.Tests.Hosting;

/// <summary>
/// The host logs ProxyCore's and its own events into one log, so an event id must name one message across both
/// assemblies, and every message must come from its assembly's table (<c>ProxyEventIds</c>, <c>OpsBotEventIds</c>).
/// </summary>
public sealed class LoggingEventIdTests
{
    private static readonly Assembly ProxyCore = typeof(CompletionEventPublisher).Assembly;
    private static readonly Assembly Host = typeof(ProxyListener).Assembly;

    [Fact]
    public void Every_logger_message_has_an_event_id_used_by_no_other_message()
    {
        var messages = LoggerMessages(ProxyCore).Concat(LoggerMessages(Host)).ToList();
        Assert.True(messages.Count > 100, $"found only {messages.Count} [LoggerMessage] methods: is the reflection looking in the right place?");

        var withoutId = messages.Where(m => m.Attribute.EventId < 0).Select(m => m.Name).ToList();
        Assert.True(withoutId.Count == 0, "[LoggerMessage] without an EventId: " + string.Join(", ", withoutId));

        var duplicates = messages.GroupBy(m => m.Attribute.EventId).Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(m => m.Name))}").ToList();
        Assert.True(duplicates.Count == 0, "event ids used by more than one message: " + string.Join("; ", duplicates));
    }

    [Theory]
    [InlineData("ProxyCore", "OpsBot.ProxyCore.ProxyEventIds", 20, 999, 20, 999)]
    // The host's 10-19 is the proxy listener's block, older than the table (the journal test reads ProxyListener[10]).
    [InlineData("Host", "OpsBot.OpsBotEventIds", 10, 19, 1000, int.MaxValue)]
    public void Each_assembly_logs_only_ids_of_its_own_table_and_range(string assembly, string tableName, int low1, int high1, int low2, int high2)
    {
        var asm = assembly == "ProxyCore" ? ProxyCore : Host;
        var table = asm.GetType(tableName, throwOnError: true)!
            .GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral)
            .ToDictionary(f => f.Name, f => (int)f.GetRawConstantValue()!);

        var shared = table.GroupBy(kv => kv.Value).Where(g => g.Count() > 1).Select(g => string.Join("/", g.Select(kv => kv.Key))).ToList();
        Assert.True(shared.Count == 0, $"{tableName} gives one id to several names: " + string.Join(", ", shared));
        var outside = table.Where(kv => !(kv.Value >= low1 && kv.Value <= high1) && !(kv.Value >= low2 && kv.Value <= high2))
            .Select(kv => $"{kv.Key}={kv.Value}").ToList();
        Assert.True(outside.Count == 0, $"{tableName} ids outside {low1}-{high1} and {low2}-{high2}: " + string.Join(", ", outside));

        var ids = table.Values.ToHashSet();
        var notInTable = LoggerMessages(asm).Where(m => !ids.Contains(m.Attribute.EventId))
            .Select(m => $"{m.Name} ({m.Attribute.EventId})").ToList();
        Assert.True(notInTable.Count == 0, $"messages whose id is not in {tableName}: " + string.Join(", ", notInTable));
        var unused = ids.Except(LoggerMessages(asm).Select(m => m.Attribute.EventId)).ToList();
        Assert.True(unused.Count == 0, $"{tableName} ids no message uses: " + string.Join(", ", unused));
    }

    private static IEnumerable<(string Name, LoggerMessageAttribute Attribute)> LoggerMessages(Assembly assembly) =>
        from type in assembly.GetTypes()
        from method in type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly)
        let attribute = method.GetCustomAttribute<LoggerMessageAttribute>()
        where attribute is not null
        select ($"{type.FullName}.{method.Name}", attribute);
}
