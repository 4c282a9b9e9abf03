namespace OpsBot.Bench.Report;

/// <summary>One goal from the issue, judged for one proxy mode.</summary>
internal sealed record TargetCheck(bool? Passed, string Detail)
{
    public override string ToString() => Passed switch
    {
        true => $"PASS ({Detail})",
        false => $"FAIL ({Detail})",
        null => Detail,
    };
}
