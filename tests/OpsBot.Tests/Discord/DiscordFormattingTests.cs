using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using OpsBot.Discord;
using OpsBot.Discord.Commands;
using OpsBot.Discord.Interactions;
using OpsBot.Discord.Rest;
using OpsBot.Ops;
using OpsBot.Status;

namespace OpsBot.Tests.Discord;

public sealed class DiscordFormattingTests
{
    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a```b", "a`\u200B``b")]
    [InlineData("``````", "`\u200B`\u200B``\u200B``")]
    [InlineData("cr\r\nlf\u0007bell\ttab", "cr\nlfbell\ttab")]
    public void Code_block_escaping_breaks_every_fence(string input, string expected)
    {
        var escaped = DiscordText.EscapeCodeBlock(input);

        Assert.Equal(expected, escaped);
        Assert.DoesNotContain("```", escaped);
    }

    [Fact]
    public void Tail_code_block_keeps_the_newest_lines_that_fit()
    {
        var lines = Enumerable.Range(1, 100).Select(i => $"line {i:000}").ToList();

        var (block, shown) = DiscordText.TailCodeBlock(lines, 100);

        Assert.True(block.Length <= 100);
        Assert.EndsWith("line 100\n```", block);
        Assert.Equal(block.Split('\n').Length - 2, shown);
        Assert.Contains($"line {100 - shown + 1:000}", block);
    }

    [Fact]
    public void Long_logs_become_an_attachment_and_short_ones_stay_inline()
    {
        var shortTail = new LogTail(StackService.Vllm, 10, ["a", "b"]);
        var longTail = new LogTail(StackService.Vllm, 500, Enumerable.Range(0, 500).Select(i => $"line {i}").ToList());

        Assert.Empty(LogsModule.BuildMessage("vllm", 10, shortTail).Attachments);
        var message = LogsModule.BuildMessage("vllm", 500, longTail);
        Assert.Single(message.Attachments);
        Assert.True(message.Content!.Length <= DiscordLimits.Content);
        Assert.Contains("Could not read", LogsModule.BuildMessage("vllm", 5, new LogTail(StackService.Vllm, 5, [], "journalctl: permission denied")).Content);
    }

    [Fact]
    public void Message_writer_clamps_text_to_discord_limits_and_always_sends_allowed_mentions()
    {
        var message = new DiscordMessage
        {
            Content = new string('c', 2500),
            Embeds =
            [
                new DiscordEmbed
                {
                    Title = new string('t', 300),
                    Description = new string('d', 5000),
                    Fields = Enumerable.Range(0, 30).Select(i => new DiscordEmbedField($"f{i}", new string('v', 2000))).ToList(),
                },
            ],
        };

        var json = Write(w => DiscordPayloadWriter.WriteMessage(w, message, ephemeral: true, replace: false));

        Assert.Equal(2000, json["content"]!.GetValue<string>().Length);
        var embed = json["embeds"]![0]!;
        Assert.Equal(256, embed["title"]!.GetValue<string>().Length);
        Assert.Equal(4096, embed["description"]!.GetValue<string>().Length);
        var fields = embed["fields"]!.AsArray();
        Assert.True(fields.Count <= 25);
        var total = 256 + 4096 + fields.Sum(f => f!["name"]!.GetValue<string>().Length + f["value"]!.GetValue<string>().Length);
        Assert.True(total <= 6000, $"embed text {total}");
        Assert.All(fields, f => Assert.NotEmpty(f!["value"]!.GetValue<string>()));
        Assert.Equal(64, json["flags"]!.GetValue<int>());
        Assert.Empty(json["allowed_mentions"]!["parse"]!.AsArray());
    }

    [Fact]
    public void Edits_replace_the_whole_message()
    {
        var json = Write(w => DiscordPayloadWriter.WriteMessage(w, new DiscordMessage { Embeds = [new DiscordEmbed { Title = "x" }] }, ephemeral: false, replace: true));

        Assert.True(json.AsObject().ContainsKey("content"));
        Assert.Null(json["content"]);
        Assert.Empty(json["components"]!.AsArray());
        Assert.Empty(json["attachments"]!.AsArray());
    }

    [Fact]
    public void Deferred_callbacks_match_discords_documented_shapes()
    {
        Assert.Equal("""{"type":5}""", WriteRaw(w => DiscordPayloadWriter.WriteInteractionResponse(w, new InteractionResponse(InteractionCallbackType.DeferredChannelMessageWithSource))));
        Assert.Equal("""{"type":5,"data":{"flags":64}}""", WriteRaw(w => DiscordPayloadWriter.WriteInteractionResponse(w, new InteractionResponse(InteractionCallbackType.DeferredChannelMessageWithSource, Ephemeral: true))));
        Assert.Equal("""{"type":6}""", WriteRaw(w => DiscordPayloadWriter.WriteInteractionResponse(w, new InteractionResponse(InteractionCallbackType.DeferredUpdateMessage))));
    }

    [Fact]
    public void Interaction_parser_reads_the_sample_and_never_prints_the_token()
    {
        var json = JsonDocument.Parse(File.ReadAllText(SamplePath())).RootElement.GetProperty("d");

        Assert.True(InteractionParser.TryParse(json, out var interaction, out _));

        Assert.Equal(1300000000000001001UL, interaction!.Id);
        Assert.Equal(InteractionType.ApplicationCommand, interaction.Type);
        Assert.Equal("status", interaction.Data.Name);
        Assert.Equal(1300000000000000100UL, interaction.GuildId);
        Assert.Equal(1300000000000000201UL, interaction.ChannelId);
        Assert.Equal(new InteractionUser(1300000000000000401, "alice.ops"), interaction.User);
        Assert.Equal([1300000000000000301UL], interaction.MemberRoles);
        Assert.DoesNotContain(interaction.Token, interaction.ToString());
    }

    [Fact]
    public void Status_embed_colour_follows_the_worst_state()
    {
        var now = DateTimeOffset.UtcNow;
        StatusReport Status(params HealthState[] states) =>
            new(now, new StackStatus(now, states.Select((s, i) => new ServiceStatus((StackService)i, s, "x", [])).ToList()), null, null, null, [], null, [], []);

        Assert.Equal(DiscordColors.Green, StatusEmbedRenderer.BuildEmbed(Status(HealthState.Healthy, HealthState.Healthy), now).Color);
        Assert.Equal(DiscordColors.Grey, StatusEmbedRenderer.BuildEmbed(Status(HealthState.Healthy, HealthState.Unknown), now).Color);
        Assert.Equal(DiscordColors.Orange, StatusEmbedRenderer.BuildEmbed(Status(HealthState.Degraded, HealthState.Unknown), now).Color);
        Assert.Equal(DiscordColors.Red, StatusEmbedRenderer.BuildEmbed(Status(HealthState.Healthy, HealthState.Down, HealthState.Degraded), now).Color);
    }

    private static string SamplePath() =>
        Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "FakeDiscord", "Payloads", "interaction-create-status.json");

    private static JsonNode Write(Action<Utf8JsonWriter> write) => JsonNode.Parse(WriteRaw(write))!;

    private static string WriteRaw(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, DiscordPayloadWriter.WriterOptions))
        {
            write(writer);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
