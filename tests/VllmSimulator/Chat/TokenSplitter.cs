namespace OpsBot.VllmSimulator.Chat;

/// <summary>
/// Cuts text into token-sized deltas the way a BPE tokenizer roughly would: leading spaces stick to the next word,
/// punctuation and newline runs stand alone, long words are cut. Deltas are slices, so nothing is copied.
/// </summary>
internal static class TokenSplitter
{
    private const int MaxWordChars = 8;

    public static void Split(ReadOnlyMemory<char> text, List<PlannedDelta> into)
    {
        var span = text.Span;
        var i = 0;
        while (i < span.Length)
        {
            var start = i;
            if (span[i] == '\n')
            {
                while (i < span.Length && span[i] == '\n')
                {
                    i++;
                }
            }
            else
            {
                while (i < span.Length && (span[i] == ' ' || span[i] == '\t'))
                {
                    i++;
                }

                if (i < span.Length && span[i] != '\n')
                {
                    if (char.IsLetterOrDigit(span[i]))
                    {
                        var wordStart = i;
                        while (i < span.Length && char.IsLetterOrDigit(span[i]) && i - wordStart < MaxWordChars)
                        {
                            i++;
                        }
                    }
                    else
                    {
                        // Keep surrogate pairs together so every delta is valid UTF-16.
                        i += char.IsHighSurrogate(span[i]) && i + 1 < span.Length ? 2 : 1;
                    }
                }
            }

            into.Add(new PlannedDelta(DeltaKind.Content, text[start..i], Tokens: 1));
        }
    }
}
