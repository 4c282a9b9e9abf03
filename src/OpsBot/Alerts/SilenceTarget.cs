using OpsBot.Operations;

namespace OpsBot.Alerts;

/// <summary>
/// What <c>/silence</c> and <c>/unsilence</c> name: one <see cref="AlertTarget"/> (same value) or all of them. The one
/// name table of alert targets (<see cref="AlertTargets"/> reads it).
/// </summary>
public enum SilenceTarget
{
    [ChoiceDisplay("vllm")]
    Vllm = AlertTarget.Vllm,

    [ChoiceDisplay("proxy")]
    Proxy = AlertTarget.Proxy,

    [ChoiceDisplay("gateway", "openclaw")]
    Gateway = AlertTarget.Gateway,

    [ChoiceDisplay("no-reply", "noreply", "no_reply")]
    NoReply = AlertTarget.NoReply,

    [ChoiceDisplay("all")]
    All = -1,
}
