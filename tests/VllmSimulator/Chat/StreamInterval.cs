namespace OpsBot.VllmSimulator.Chat;

/// <summary>
/// <c>--stream-interval N</c>: the server sends one event per N engine tokens, so a content event carries several
/// tokens. Tool-call steps are left alone: what multi-token steps do to them is chosen per answer
/// (<see cref="MultiTokenDeltas"/>), because it depends on where the step boundaries fall.
/// </summary>
internal static class StreamInterval
{
    public static IEnumerable<PlannedDelta> Group(List<PlannedDelta> deltas, int interval)
    {
        if (interval <= 1)
        {
            foreach (var delta in deltas)
            {
                yield return delta;
            }

            yield break;
        }

        var i = 0;
        while (i < deltas.Count)
        {
            if (deltas[i].Kind != DeltaKind.Content)
            {
                yield return deltas[i++];
                continue;
            }

            var text = new System.Text.StringBuilder();
            var tokens = 0;
            while (i < deltas.Count && deltas[i].Kind == DeltaKind.Content && tokens < interval)
            {
                text.Append(deltas[i].Text.Span);
                tokens += deltas[i++].Tokens;
            }

            yield return new PlannedDelta(DeltaKind.Content, text.ToString().AsMemory(), tokens);
        }
    }
}
