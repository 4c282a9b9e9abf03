namespace OpsBot.Cli;

/// <summary>
/// Emphasis for terminal text: ANSI colours on a terminal, nothing otherwise. <see cref="Plain"/> is what pipes,
/// files, Discord and <c>NO_COLOR</c> get (https://no-color.org: colour off when it is set to anything non-empty).
/// </summary>
public sealed class TextStyle
{
    private const string Reset = "\e[0m";

    private TextStyle(bool color) => Color = color;

    public static TextStyle Plain { get; } = new(false);

    public static TextStyle Ansi { get; } = new(true);

    public bool Color { get; }

    /// <summary>Colour when <paramref name="isTerminal"/>, unless <c>NO_COLOR</c> is set or <c>TERM=dumb</c>.</summary>
    public static TextStyle For(bool isTerminal, Func<string, string?> environment) =>
        isTerminal && string.IsNullOrEmpty(environment("NO_COLOR")) && environment("TERM") != "dumb" ? Ansi : Plain;

    public string Good(string text) => Wrap("\e[32m", text);

    public string Warning(string text) => Wrap("\e[33m", text);

    public string Bad(string text) => Wrap("\e[1;31m", text);

    public string Strong(string text) => Wrap("\e[1m", text);

    public string Dim(string text) => Wrap("\e[2m", text);

    private string Wrap(string code, string text) => Color && text.Length > 0 ? code + text + Reset : text;
}
