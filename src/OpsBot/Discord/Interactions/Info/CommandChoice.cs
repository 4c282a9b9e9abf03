namespace OpsBot.Discord.Interactions;

public sealed record CommandChoice(string Name, string Value);
