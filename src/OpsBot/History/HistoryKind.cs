using OpsBot.Operations;

namespace OpsBot.History;

/// <summary>What /history shows; the names are what <c>/history kind:</c> offers and <c>opsbot history</c> accepts.</summary>
public enum HistoryKind
{
    [ChoiceDisplay("all")]
    All,

    [ChoiceDisplay("incidents")]
    Incidents,

    [ChoiceDisplay("alerts")]
    Alerts,

    [ChoiceDisplay("restarts")]
    Restarts,

    [ChoiceDisplay("smoke", "smoke-tests")]
    SmokeTests,

    [ChoiceDisplay("traffic")]
    Traffic,
}
