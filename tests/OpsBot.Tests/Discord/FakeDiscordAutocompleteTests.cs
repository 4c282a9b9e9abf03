using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using OpsBot.FakeDiscord;
using static OpsBot.Tests.Discord.FakeDiscordServerTests;

namespace OpsBot.Tests.Discord;

/// <summary>
/// The fake holds autocomplete to Discord's rules (DISCORD-SUBSET 2.5, docs/discord.md): sent only for a registered option
/// with <c>autocomplete: true</c>, answered only by callback type 8 within 3 seconds, with at most 25 choices whose names
/// are 1-100 characters and whose values fit the option; type 8 answers nothing else, and the token has no message.
/// </summary>
public sealed class FakeDiscordAutocompleteTests
{
    private const string Registration = """
        [{"name":"restart","description":"Restart","options":[
          {"type":3,"name":"service","description":"s","required":true,"choices":[{"name":"gateway","value":"gateway"}]},
          {"type":3,"name":"target","description":"t","autocomplete":true},
          {"type":4,"name":"count","description":"c","autocomplete":true},
          {"type":10,"name":"ratio","description":"r","autocomplete":true}]}]
        """;

    public static TheoryData<string, string, HttpStatusCode> Answers => new()
    {
        { "target", """{"type":8,"data":{"choices":[{"name":"alpha","value":"alpha"},{"name":"beta (gateway)","value":"beta"}]}}""", HttpStatusCode.NoContent },
        { "target", """{"type":8,"data":{"choices":[]}}""", HttpStatusCode.NoContent },
        { "target", """{"type":8,"data":{"choices":[{"name":"a","value":"a","name_localizations":{"de":"a"}}]}}""", HttpStatusCode.NoContent },
        { "target", $$$"""{"type":8,"data":{"choices":[{"name":"{{{new string('n', 100)}}}","value":"{{{new string('v', 100)}}}"}]}}""", HttpStatusCode.NoContent },
        { "target", """{"type":4,"data":{"content":"alpha, beta"}}""", HttpStatusCode.BadRequest },
        { "target", """{"type":5}""", HttpStatusCode.BadRequest },
        { "target", """{"type":5,"data":{"flags":64}}""", HttpStatusCode.BadRequest },
        { "target", """{"type":6}""", HttpStatusCode.BadRequest },
        { "target", """{"type":8}""", HttpStatusCode.BadRequest },
        { "target", """{"type":8,"data":{"choices":[],"content":"x"}}""", HttpStatusCode.BadRequest },
        { "target", Choices(26), HttpStatusCode.BadRequest },
        { "target", """{"type":8,"data":{"choices":[{"name":"","value":"a"}]}}""", HttpStatusCode.BadRequest },
        { "target", $$$"""{"type":8,"data":{"choices":[{"name":"{{{new string('n', 101)}}}","value":"a"}]}}""", HttpStatusCode.BadRequest },
        { "target", $$$"""{"type":8,"data":{"choices":[{"name":"a","value":"{{{new string('v', 101)}}}"}]}}""", HttpStatusCode.BadRequest },
        { "target", """{"type":8,"data":{"choices":[{"name":"a","value":5}]}}""", HttpStatusCode.BadRequest },
        { "target", """{"type":8,"data":{"choices":[{"name":"a"}]}}""", HttpStatusCode.BadRequest },
        { "target", """{"type":8,"data":{"choices":[{"name":"a","value":"a","emoji":"x"}]}}""", HttpStatusCode.BadRequest },
        { "count", """{"type":8,"data":{"choices":[{"name":"two","value":2}]}}""", HttpStatusCode.NoContent },
        { "count", """{"type":8,"data":{"choices":[{"name":"two","value":"2"}]}}""", HttpStatusCode.BadRequest },
        { "count", """{"type":8,"data":{"choices":[{"name":"half","value":1.5}]}}""", HttpStatusCode.BadRequest },
        { "count", """{"type":8,"data":{"choices":[{"name":"huge","value":9007199254740994}]}}""", HttpStatusCode.BadRequest },
        { "ratio", """{"type":8,"data":{"choices":[{"name":"half","value":0.5}]}}""", HttpStatusCode.NoContent },
        { "ratio", """{"type":8,"data":{"choices":[{"name":"half","value":"0.5"}]}}""", HttpStatusCode.BadRequest },
    };

    [Theory]
    [MemberData(nameof(Answers))]
    public async Task An_autocomplete_takes_only_a_valid_type_8_answer(string option, string answer, HttpStatusCode expected)
    {
        await using var server = await StartAsync();
        using var http = Client(server);
        await RegisterAsync(http, server);
        var interaction = await server.DispatchInteractionAsync(server.Interactions.Autocomplete("restart", option, "a", [("service", "gateway")], focusedType: TypeOf(option)));

        var result = await PostAsync(http, server, $"/interactions/{interaction.Id}/{interaction.Token}/callback", answer);

        Assert.Equal(expected, result.Status);
        Assert.Equal(expected == HttpStatusCode.NoContent ? 8 : null, interaction.CallbackType);
    }

    [Fact]
    public async Task An_accepted_answer_keeps_its_choices_and_its_token_has_no_message_to_edit()
    {
        await using var server = await StartAsync();
        using var http = Client(server);
        await RegisterAsync(http, server);
        var interaction = await server.DispatchInteractionAsync(server.Interactions.Autocomplete("restart", "target", "al"));

        var answered = await PostAsync(http, server, $"/interactions/{interaction.Id}/{interaction.Token}/callback", """{"type":8,"data":{"choices":[{"name":"alpha","value":"alpha"}]}}""");
        var again = await PostAsync(http, server, $"/interactions/{interaction.Id}/{interaction.Token}/callback", """{"type":8,"data":{"choices":[]}}""");
        var edit = await SendAsync(http, server, HttpMethod.Patch, $"/webhooks/{server.Options.ApplicationId}/{interaction.Token}/messages/@original", """{"content":"x"}""");
        var followup = await PostAsync(http, server, $"/webhooks/{server.Options.ApplicationId}/{interaction.Token}", """{"content":"x"}""");

        Assert.Equal(HttpStatusCode.NoContent, answered.Status);
        Assert.Equal("alpha", Assert.Single(interaction.Choices!)!["value"]!.GetValue<string>());
        Assert.Equal((HttpStatusCode.BadRequest, 40060), (again.Status, again.Code));
        Assert.Equal((HttpStatusCode.NotFound, 10015), (edit.Status, edit.Code));
        Assert.Equal((HttpStatusCode.NotFound, 10015), (followup.Status, followup.Code));
    }

    [Fact]
    public async Task An_answer_after_three_seconds_is_an_unknown_interaction()
    {
        var time = new FakeTimeProvider();
        await using var server = await StartAsync(time);
        using var http = Client(server);
        await RegisterAsync(http, server);
        var late = await server.DispatchInteractionAsync(server.Interactions.Autocomplete("restart", "target", ""));
        var onTime = await server.DispatchInteractionAsync(server.Interactions.Autocomplete("restart", "target", ""));

        time.Advance(TimeSpan.FromSeconds(2.9));
        var inTime = await PostAsync(http, server, $"/interactions/{onTime.Id}/{onTime.Token}/callback", """{"type":8,"data":{"choices":[]}}""");
        time.Advance(TimeSpan.FromSeconds(0.2));
        var tooLate = await PostAsync(http, server, $"/interactions/{late.Id}/{late.Token}/callback", """{"type":8,"data":{"choices":[]}}""");

        Assert.Equal(HttpStatusCode.NoContent, inTime.Status);
        Assert.Equal((HttpStatusCode.NotFound, 10062), (tooLate.Status, tooLate.Code));
        Assert.Null(late.CallbackType);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Type_8_answers_no_command_or_button(bool button)
    {
        await using var server = await StartAsync();
        using var http = Client(server);
        await RegisterAsync(http, server);
        var interaction = await server.DispatchInteractionAsync(button
            ? server.Interactions.Button("restart:confirm:gateway:abc", 1300000000000009999)
            : server.Interactions.SlashCommand("restart", [("service", "gateway")]));

        var result = await PostAsync(http, server, $"/interactions/{interaction.Id}/{interaction.Token}/callback", """{"type":8,"data":{"choices":[]}}""");

        Assert.Equal(HttpStatusCode.BadRequest, result.Status);
        Assert.Null(interaction.CallbackType);
    }

    [Theory]
    [InlineData("restart", "service")]
    [InlineData("restart", "nonexistent")]
    [InlineData("status", "target")]
    public async Task Discord_sends_no_autocomplete_for_an_option_registered_without_it(string command, string option)
    {
        await using var server = await StartAsync();
        using var http = Client(server);
        await RegisterAsync(http, server);

        await Assert.ThrowsAsync<InvalidOperationException>(() => server.DispatchInteractionAsync(server.Interactions.Autocomplete(command, option, "g")));
    }

    private static async Task<FakeDiscordServer> StartAsync(FakeTimeProvider? time = null) =>
        await FakeDiscordServer.StartAsync(new FakeDiscordOptions { TimeProvider = time ?? new FakeTimeProvider() });

    private static async Task RegisterAsync(HttpClient http, FakeDiscordServer server)
    {
        using var registered = await http.PutAsync(
            server.RestBaseUrl + $"/applications/{server.Options.ApplicationId}/guilds/{server.Options.GuildId}/commands", new StringContent(Registration, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, registered.StatusCode);
    }

    private static int TypeOf(string option) => option switch
    {
        "count" => 4,
        "ratio" => 10,
        _ => 3,
    };

    private static string Choices(int count)
    {
        var choices = new JsonArray([.. Enumerable.Range(0, count).Select(i => (JsonNode)new JsonObject { ["name"] = $"n{i}", ["value"] = $"v{i}" })]);
        return new JsonObject { ["type"] = 8, ["data"] = new JsonObject { ["choices"] = choices } }.ToJsonString();
    }
}
