namespace OpsBot.Discord.Interactions;

/// <summary>
/// One suggestion: <see cref="Name"/> is shown (1-100 characters), <see cref="Value"/> is what the option gets when it is
/// picked: a string (up to 100 characters) for a string option, an integer for an integer option, a number for a number option.
/// </summary>
public sealed record AutocompleteResult(string Name, object Value);
