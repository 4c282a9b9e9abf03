using OpsBot.Ops;

namespace OpsBot.Discord.Commands;

/// <summary>
/// A /restart waiting for its requester to press confirm; <see cref="Nonce"/> (and <see cref="Target"/>, when several
/// are configured) is in the button's custom_id. <see cref="Target"/> null: the service's only target.
/// </summary>
public sealed record PendingRestart(string Nonce, StackService Service, ulong RequesterId, DateTimeOffset ExpiresAt, string? Target = null);
