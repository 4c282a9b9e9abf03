using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;
using OpsBot.Discord;
using OpsBot.Discord.Commands;
using OpsBot.Discord.Interactions;
using OpsBot.Discord.Rest;
using OpsBot.FakeDiscord;
using OpsBot.Ops.Configuration;

namespace OpsBot.Tests.Discord;

/// <summary>
/// The command framework's autocomplete: [Autocomplete] options registered with <c>autocomplete: true</c>, the focused option
/// read from the interaction, the handler's suggestions checked against Discord's rules and sent as type 8, and every
/// failure (refused, unknown, throwing, slow) answered with an empty list instead of a message or a defer.
/// </summary>
public sealed class InteractionAutocompleteTests
{
    private const ulong AdminRole = 301;

    private static readonly OpsTargets TwoOfEach = new(
        [new GatewayOpsOptions { Name = "alpha" }, new GatewayOpsOptions { Name = "beta" }],
        [new VllmOpsOptions { Name = "gpu-a" }, new VllmOpsOptions { Name = "gpu-b" }]);

    [Fact]
    public void The_parser_marks_the_focused_option_as_discord_sends_it()
    {
        var json = JsonDocument.Parse("""
            {"id":"1","application_id":"2","type":4,"token":"t","guild_id":"100","channel_id":"201",
             "member":{"user":{"id":"401","username":"alice"},"roles":[]},
             "data":{"id":"5","name":"restart","type":1,"options":[
               {"name":"service","type":3,"value":"gateway"},
               {"name":"target","type":3,"value":"be","focused":true}]}}
            """).RootElement;

        Assert.True(InteractionParser.TryParse(json, out var interaction, out _));

        Assert.Equal(InteractionType.ApplicationCommandAutocomplete, interaction!.Type);
        Assert.Equal([false, true], interaction.Data.Options.Select(o => o.Focused));
        Assert.Equal("be", interaction.Data.Options[1].Value!.Value.GetString());
    }

    [Fact]
    public void Target_options_register_with_autocomplete_and_no_choices_and_discord_accepts_the_list()
    {
        var service = new InteractionService(TimeProvider.System, NullLogger<InteractionService>.Instance)
            .AddModule<RestartModule>().AddModule<LogsModule>().AddModule<SmokeModule>();

        var json = (JsonArray)JsonNode.Parse(service.BuildCommandsJson())!;

        foreach (var name in new[] { "restart", "logs", "smoke" })
        {
            var target = json.Single(c => c!["name"]!.GetValue<string>() == name)!["options"]!.AsArray().Single(o => o!["name"]!.GetValue<string>() == "target")!;
            Assert.Equal(3, target["type"]!.GetValue<int>());
            Assert.True(target["autocomplete"]!.GetValue<bool>());
            Assert.False(target["required"]!.GetValue<bool>());
            Assert.Null(target["choices"]);
        }

        var service_ = json.Single(c => c!["name"]!.GetValue<string>() == "restart")!["options"]![0]!;
        Assert.Null(service_["autocomplete"]);
        Assert.Null(CommandRules.Validate(json));
    }

    [Theory]
    [InlineData(typeof(AutocompleteOnEnumModule), "cannot be combined with choices")]
    [InlineData(typeof(AutocompleteWithChoiceModule), "cannot be combined with choices")]
    [InlineData(typeof(AutocompleteOnBoolModule), "autocomplete only applies to string, integer and number options")]
    [InlineData(typeof(AutocompleteWithWrongHandlerModule), "needs a concrete AutocompleteHandler")]
    public void Autocomplete_definitions_discord_would_refuse_fail_when_the_module_is_added(Type module, string expected)
    {
        var service = new InteractionService(TimeProvider.System, NullLogger<InteractionService>.Instance);

        var error = Assert.Throws<InvalidOperationException>(() => service.AddModule(module));

        Assert.Contains(expected, error.Message);
    }

    [Theory]
    [InlineData("gateway", "", new[] { "alpha", "beta" })]
    [InlineData("gateway", "BE", new[] { "beta" })]
    [InlineData("gateway", "a", new[] { "alpha", "beta" })]
    [InlineData("vllm", "b", new[] { "gpu-b" })]
    [InlineData("vllm", "gpu", new[] { "gpu-a", "gpu-b" })]
    [InlineData("proxy", "", new string[0])]
    [InlineData("gateway", "zzz", new string[0])]
    public async Task Autocomplete_routes_to_the_focused_options_handler_and_answers_type_8_with_the_services_targets(string service, string typed, string[] expected)
    {
        var (responder, result) = await AutocompleteAsync("restart", [("service", service)], "target", typed);

        Assert.True(result.IsSuccess, result.ErrorReason);
        var choices = Answered(responder);
        Assert.Equal(expected, choices.Select(c => (string)c.Value));
        AssertNoMessageOrDefer(responder);
    }

    [Fact]
    public void Prefix_matches_come_before_matches_inside_the_name()
    {
        var suggestions = CommandTargets.Suggest([("xa", "xa"), ("ab", "ab"), ("ba", "ba"), ("a", "a")], "A");

        Assert.Equal(["ab", "a", "xa", "ba"], suggestions.Select(s => s.Name));
    }

    [Fact]
    public async Task Before_a_service_is_picked_both_lists_are_offered_each_marked_with_its_service()
    {
        var (responder, _) = await AutocompleteAsync("restart", [], "target", "");

        Assert.Equal(
            [("alpha (gateway)", "alpha"), ("beta (gateway)", "beta"), ("gpu-a (vllm)", "gpu-a"), ("gpu-b (vllm)", "gpu-b")],
            Answered(responder).Select(c => (c.Name, (string)c.Value)));
    }

    [Fact]
    public async Task Smoke_target_suggests_gateways_only()
    {
        var (responder, _) = await AutocompleteAsync("smoke", [("test", "all")], "target", "");

        Assert.Equal(["alpha", "beta"], Answered(responder).Select(c => (string)c.Value));
    }

    [Fact]
    public async Task A_user_who_may_not_run_the_command_gets_an_empty_list_not_an_error_message()
    {
        var (responder, result) = await AutocompleteAsync("restart", [("service", "gateway")], "target", "", roles: []);

        Assert.Equal(InteractionCommandError.UnmetPrecondition, result.Error);
        Assert.Empty(Answered(responder));
        AssertNoMessageOrDefer(responder);
    }

    [Theory]
    [InlineData("restart", "service")]
    [InlineData("nosuch", "target")]
    public async Task An_option_without_a_handler_or_an_unknown_command_gets_an_empty_list(string command, string option)
    {
        var (responder, result) = await AutocompleteAsync(command, [], option, "g");

        Assert.False(result.IsSuccess);
        Assert.Empty(Answered(responder));
        AssertNoMessageOrDefer(responder);
    }

    [Fact]
    public async Task A_throwing_handler_gets_an_empty_list_and_a_slow_one_is_cut_off_at_the_deadline()
    {
        var throwing = await AutocompleteAsync("probe", [], "throwing", "", module: typeof(ProbeModule));
        var time = new FakeTimeProvider();
        var slowTask = AutocompleteAsync("probe", [], "slow", "", module: typeof(ProbeModule), time: time);
        await SlowHandler.Started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        time.Advance(TimeSpan.FromSeconds(2));
        var slow = await slowTask.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(InteractionCommandError.Exception, throwing.Result.Error);
        Assert.Empty(Answered(throwing.Responder));
        Assert.Contains("no suggestions within 2000 ms", slow.Result.ErrorReason);
        Assert.Empty(Answered(slow.Responder));
        AssertNoMessageOrDefer(slow.Responder);
    }

    [Fact]
    public async Task Suggestions_discord_would_refuse_are_left_out_and_the_rest_sent()
    {
        var (responder, result) = await AutocompleteAsync("probe", [], "sloppy", "", module: typeof(ProbeModule));

        Assert.True(result.IsSuccess);
        var choices = Answered(responder);
        Assert.Equal(25, choices.Count);
        Assert.All(choices, c => Assert.InRange(((string)c.Value).Length, 0, 100));
        Assert.DoesNotContain(choices, c => c.Name.Length == 0);
    }

    [Fact]
    public void Choices_are_checked_against_the_options_type_and_capped_at_25()
    {
        var (integers, problems) = AutocompleteChoices.Validate(
            [new("one", 1), new("long", 2L), new("half", 1.5), new("text", "3"), new("", 4), new("huge", 1L << 54)], ApplicationCommandOptionType.Integer);
        var (numbers, _) = AutocompleteChoices.Validate([new("one", 1), new("half", 0.5), new("nan", double.NaN)], ApplicationCommandOptionType.Number);
        var (many, over) = AutocompleteChoices.Validate(Enumerable.Range(0, 30).Select(i => new AutocompleteResult($"n{i}", $"v{i}")), ApplicationCommandOptionType.String);
        var (strings, _) = AutocompleteChoices.Validate([new(new string('n', 100), new string('v', 100)), new(new string('n', 101), "v"), new("n", new string('v', 101)), new("n", 5)], ApplicationCommandOptionType.String);

        Assert.Equal([1L, 2L], integers.Select(c => c.Value));
        Assert.Equal(4, problems.Count);
        Assert.Equal([1.0, 0.5], numbers.Select(c => c.Value));
        Assert.Equal(25, many.Count);
        Assert.Equal("5 choice(s) over Discord's limit of 25 left out", Assert.Single(over));
        Assert.Single(strings);
    }

    [Fact]
    public async Task The_responder_sends_type_8_with_the_choices_and_refuses_to_mix_answers()
    {
        var rest = Substitute.For<IDiscordRestClient>();
        InteractionResponse? sent = null;
        rest.CreateInteractionResponseAsync(default, default!, Arg.Do<InteractionResponse>(r => sent = r), default).ReturnsForAnyArgs(Task.CompletedTask);
        var autocomplete = new InteractionResponder(Interaction("restart", [], "target", "a", InteractionType.ApplicationCommandAutocomplete), rest);
        var command = new InteractionResponder(Interaction("restart", [], "target", "a", InteractionType.ApplicationCommand), rest);

        await Assert.ThrowsAsync<InvalidOperationException>(() => autocomplete.RespondAsync(DiscordMessage.FromText("x"), true, CancellationToken.None));
        await Assert.ThrowsAsync<InvalidOperationException>(() => autocomplete.DeferAsync(true, CancellationToken.None));
        await Assert.ThrowsAsync<InvalidOperationException>(() => command.RespondWithAutocompleteAsync([], CancellationToken.None));
        await autocomplete.RespondWithAutocompleteAsync([new("alpha", "alpha"), new("two", 2L), new("half", 0.5)], CancellationToken.None);

        Assert.Equal(InteractionCallbackType.AutocompleteResult, sent!.Type);
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            DiscordPayloadWriter.WriteInteractionResponse(writer, sent);
        }

        Assert.Equal("""{"type":8,"data":{"choices":[{"name":"alpha","value":"alpha"},{"name":"two","value":2},{"name":"half","value":0.5}]}}""", Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    private static async Task<(IInteractionResponder Responder, ExecuteResult Result)> AutocompleteAsync(
        string command, (string Name, string Value)[] options, string focused, string typed, ulong[]? roles = null, Type? module = null, TimeProvider? time = null)
    {
        var service = new InteractionService(time ?? TimeProvider.System, NullLogger<InteractionService>.Instance);
        if (module is null)
        {
            service.AddModule<RestartModule>().AddModule<LogsModule>().AddModule<SmokeModule>();
        }
        else
        {
            service.AddModule(module);
        }

        var responder = Substitute.For<IInteractionResponder>();
        await using var services = new ServiceCollection()
            .AddSingleton(TwoOfEach)
            .AddSingleton(Options.Create(new DiscordOptions { AdminRoleIds = [AdminRole] }))
            .BuildServiceProvider();
        var interaction = Interaction(command, options, focused, typed, InteractionType.ApplicationCommandAutocomplete, roles ?? [AdminRole]);
        var result = await service.ExecuteAsync(new InteractionContext(interaction, responder, CancellationToken.None), services);
        return (responder, result);
    }

    private static Interaction Interaction(string command, (string Name, string Value)[] options, string focused, string typed, InteractionType type, ulong[]? roles = null)
    {
        var list = options.Select(o => new InteractionOption(o.Name, ApplicationCommandOptionType.String, JsonSerializer.SerializeToElement(o.Value), [])).ToList();
        list.Add(new InteractionOption(focused, ApplicationCommandOptionType.String, JsonSerializer.SerializeToElement(typed), [], Focused: true));
        return new Interaction(1, 2, type, "tok", 100, 201, new InteractionUser(401, "alice"), roles ?? [AdminRole], new InteractionData(command, 501, list, null, null));
    }

    private static IReadOnlyList<AutocompleteResult> Answered(IInteractionResponder responder)
    {
        var call = Assert.Single(responder.ReceivedCalls(), c => c.GetMethodInfo().Name == nameof(IInteractionResponder.RespondWithAutocompleteAsync));
        return (IReadOnlyList<AutocompleteResult>)call.GetArguments()[0]!;
    }

    private static void AssertNoMessageOrDefer(IInteractionResponder responder) =>
        Assert.DoesNotContain(responder.ReceivedCalls(), c => c.GetMethodInfo().Name is not (nameof(IInteractionResponder.RespondWithAutocompleteAsync) or "get_HasResponded"));

    public sealed class ThrowingHandler : AutocompleteHandler
    {
        public override ValueTask<AutocompletionResult> GenerateSuggestionsAsync(InteractionContext context, AutocompleteInput input, IServiceProvider services, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("boom");
    }

    public sealed class SlowHandler : AutocompleteHandler
    {
        public static TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override async ValueTask<AutocompletionResult> GenerateSuggestionsAsync(InteractionContext context, AutocompleteInput input, IServiceProvider services, CancellationToken cancellationToken)
        {
            Started.TrySetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return AutocompletionResult.FromSuccess([]);
        }
    }

    public sealed class SloppyHandler : AutocompleteHandler
    {
        public override ValueTask<AutocompletionResult> GenerateSuggestionsAsync(InteractionContext context, AutocompleteInput input, IServiceProvider services, CancellationToken cancellationToken) =>
            ValueTask.FromResult(AutocompletionResult.FromSuccess(
                [new("", "nameless"), new("long", new string('v', 101)), .. Enumerable.Range(0, 30).Select(i => new AutocompleteResult($"n{i}", $"v{i}"))]));
    }

    public sealed class ProbeModule : InteractionModuleBase
    {
        [SlashCommand("probe", "Autocomplete probes")]
        public Task ProbeAsync(
            [Summary("throwing", "t")][Autocomplete(typeof(ThrowingHandler))] string? throwing = null,
            [Summary("slow", "s")][Autocomplete(typeof(SlowHandler))] string? slow = null,
            [Summary("sloppy", "s")][Autocomplete(typeof(SloppyHandler))] string? sloppy = null) => Task.CompletedTask;
    }

    public sealed class AutocompleteOnEnumModule : InteractionModuleBase
    {
        [SlashCommand("bad", "d")]
        public Task BadAsync([Summary("s", "d")][Autocomplete(typeof(SloppyHandler))] OpsBot.Ops.StackService service) => Task.CompletedTask;
    }

    public sealed class AutocompleteWithChoiceModule : InteractionModuleBase
    {
        [SlashCommand("bad", "d")]
        public Task BadAsync([Summary("s", "d")][Choice("a", "a")][Autocomplete(typeof(SloppyHandler))] string service) => Task.CompletedTask;
    }

    public sealed class AutocompleteOnBoolModule : InteractionModuleBase
    {
        [SlashCommand("bad", "d")]
        public Task BadAsync([Summary("b", "d")][Autocomplete(typeof(SloppyHandler))] bool flag) => Task.CompletedTask;
    }

    public sealed class AutocompleteWithWrongHandlerModule : InteractionModuleBase
    {
        [SlashCommand("bad", "d")]
        public Task BadAsync([Summary("s", "d")][Autocomplete(typeof(string))] string service) => Task.CompletedTask;
    }
}
