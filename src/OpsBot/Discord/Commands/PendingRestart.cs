using OpsBot.Ops;

namespace OpsBot.Discord.Commands;

/// <summary>A /restart waiting for its requester to press confirm; <see cref="Nonce"/> is in the button's custom_id.</summary>
public sealed record PendingRestart(string Nonce, StackService Service, ulong RequesterId, DateTimeOffset ExpiresAt);
