namespace OpsBot.Discord.Interactions;

/// <summary>
/// Handles button presses whose custom_id matches <see cref="Pattern"/>: colon-separated segments where <c>*</c>
/// captures one segment into the next string parameter (e.g. <c>restart:confirm:*:*</c>).
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class ComponentInteractionAttribute(string pattern) : Attribute
{
    public string Pattern { get; } = pattern;
}
