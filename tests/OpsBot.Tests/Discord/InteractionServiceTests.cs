using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;
using OpsBot.Discord;
using OpsBot.Discord.Commands;
using OpsBot.Discord.Interactions;
using OpsBot.Ops;

namespace OpsBot.Tests.Discord;

public sealed class InteractionServiceTests
{
    private readonly InteractionService _service = new InteractionService(TimeProvider.System, NullLogger<InteractionService>.Instance)
        .AddModule<LogsModule>()
        .AddModule<SmokeModule>();

    [Theory]
    [InlineData("""[{"name":"service","type":3,"value":"vllm"}]""", StackService.Vllm, 50)]
    [InlineData("""[{"name":"service","type":3,"value":"gateway"},{"name":"lines","type":4,"value":1}]""", StackService.Gateway, 1)]
    [InlineData("""[{"name":"lines","type":4,"value":500},{"name":"service","type":3,"value":"proxy"}]""", StackService.Proxy, 500)]
    public void Valid_options_bind_to_parameters_with_defaults(string options, StackService service, int lines)
    {
        var (arguments, error) = Command("logs").ParseArguments(Interaction("logs", options), CancellationToken.None);

        Assert.Null(error);
        Assert.Equal(new object?[] { service, lines, null }, arguments);
    }

    [Theory]
    [InlineData("""[{"name":"service","type":3,"value":"vllm"},{"name":"lines","type":4,"value":0}]""", "Option `lines` must be between 1 and 500 (got 0).")]
    [InlineData("""[{"name":"service","type":3,"value":"vllm"},{"name":"lines","type":4,"value":501}]""", "Option `lines` must be between 1 and 500 (got 501).")]
    [InlineData("""[{"name":"service","type":3,"value":"vllm"},{"name":"lines","type":4,"value":2.5}]""", "Option `lines` must be a whole number.")]
    [InlineData("""[{"name":"service","type":3,"value":"vllm"},{"name":"lines","type":3,"value":"50"}]""", "Option `lines` must be a whole number.")]
    [InlineData("""[{"name":"service","type":3,"value":"postgres; rm -rf /"}]""", "Option `service` must be one of `vllm`, `proxy`, `gateway`.")]
    [InlineData("""[{"name":"service","type":3,"value":42}]""", "Option `service` must be text.")]
    [InlineData("""[]""", "Option `service` is required.")]
    public void Invalid_options_are_rejected_with_a_clear_message(string options, string expected)
    {
        var (arguments, error) = Command("logs").ParseArguments(Interaction("logs", options), CancellationToken.None);

        Assert.Null(arguments);
        Assert.Equal(expected, error);
    }

    [Fact]
    public void Smoke_only_accepts_its_fixed_choices()
    {
        var (_, error) = Command("smoke").ParseArguments(Interaction("smoke", """[{"name":"test","type":3,"value":"2+3"}]"""), CancellationToken.None);

        Assert.Equal("Option `test` must be one of `proxy-direct`, `2+2`, `list-tmp`, `all`.", error);
    }

    [Theory]
    [InlineData("restart:confirm:gateway:ab12", true)]
    [InlineData("restart:confirm:gateway", false)]
    [InlineData("restart:cancel:gateway:ab12", false)]
    [InlineData("restart:confirm:gateway:ab12:extra", false)]
    public void Component_patterns_match_whole_segments(string customId, bool matches)
    {
        var service = new InteractionService(TimeProvider.System, NullLogger<InteractionService>.Instance).AddModule<RestartModule>();
        var confirm = service.ComponentCommands.Single(c => c.Pattern == "restart:confirm:*:*");

        var captures = confirm.Match(customId);

        Assert.Equal(matches, captures is not null);
        if (matches)
        {
            Assert.Equal(["gateway", "ab12"], captures!);
        }
    }

    [Fact]
    public void Invalid_definitions_fail_when_the_module_is_added()
    {
        var service = new InteractionService(TimeProvider.System, NullLogger<InteractionService>.Instance);

        var error = Assert.Throws<InvalidOperationException>(() => service.AddModule<BadModule>());

        Assert.Contains("required option 'b' must come before optional ones", error.Message);
    }

    [Fact]
    public async Task A_handler_that_has_not_answered_in_time_is_deferred_by_the_watchdog()
    {
        var time = new FakeTimeProvider();
        var service = new InteractionService(time, NullLogger<InteractionService>.Instance) { AutoDeferAfter = TimeSpan.FromSeconds(2) }.AddModule<SlowModule>();
        var responder = Substitute.For<IInteractionResponder>();
        var probe = new SlowModuleProbe();
        using var services = new ServiceCollection().AddSingleton(probe).BuildServiceProvider();
        var context = new InteractionContext(Interaction("slow", "[]"), responder, CancellationToken.None);

        var run = service.ExecuteAsync(context, services);
        // The watchdog is armed before the handler runs; the fake clock fires timers synchronously in Advance.
        await probe.Started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        time.Advance(TimeSpan.FromSeconds(2) - TimeSpan.FromTicks(1));
        await responder.DidNotReceiveWithAnyArgs().DeferAsync(default, default);

        time.Advance(TimeSpan.FromTicks(1));
        await WaitUntil(() => responder.ReceivedCalls().Any(c => c.GetMethodInfo().Name == nameof(IInteractionResponder.DeferAsync)));
        responder.HasResponded.Returns(true);
        probe.Gate.SetResult();
        await run.WaitAsync(TimeSpan.FromSeconds(5));
        await responder.Received(1).DeferAsync(false, Arg.Any<CancellationToken>());
        await responder.Received(1).RespondAsync(Arg.Is<DiscordMessage>(m => m.Content == "done"), false, Arg.Any<CancellationToken>());
    }

    private static Task WaitUntil(Func<bool> condition, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(condition))] string what = "") =>
        OpsBot.TestSupport.Eventually.HoldsAsync(condition, what);

    private SlashCommandInfo Command(string name) => _service.SlashCommands.Single(c => c.Name == name);

    private static Interaction Interaction(string name, string optionsJson)
    {
        var options = JsonDocument.Parse(optionsJson).RootElement.EnumerateArray().Select(o => new InteractionOption(
            o.GetProperty("name").GetString()!,
            (ApplicationCommandOptionType)o.GetProperty("type").GetInt32(),
            o.GetProperty("value").Clone(),
            [])).ToList();
        return new Interaction(1, 2, InteractionType.ApplicationCommand, "tok", 100, 201, new InteractionUser(401, "alice"), [], new InteractionData(name, 501, options, null, null));
    }

    public sealed class BadModule : InteractionModuleBase
    {
        [SlashCommand("bad", "Required after optional")]
        public Task BadAsync([Summary("a", "first")] int? a, [Summary("b", "second")] string b) => Task.CompletedTask;
    }

    public sealed class SlowModuleProbe
    {
        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public sealed class SlowModule(SlowModuleProbe probe) : InteractionModuleBase
    {
        [SlashCommand("slow", "Takes its time")]
        public async Task SlowAsync()
        {
            probe.Started.SetResult();
            await probe.Gate.Task;
            await RespondAsync("done");
        }
    }
}
