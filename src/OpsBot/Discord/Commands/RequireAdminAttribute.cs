using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpsBot.Discord.Interactions;

namespace OpsBot.Discord.Commands;

/// <summary>
/// Allows only members with a configured admin role or configured admin user ids. Checked at run time on every use:
/// Discord's own command permissions can be changed by any guild admin and are not a security boundary for OpsBot.
/// </summary>
public sealed class RequireAdminAttribute : PreconditionAttribute
{
    /// <summary>
    /// Hidden from everyone but server administrators; grant the OpsBot admin role access in Server Settings &gt; Integrations &gt;
    /// OpsBot. OpsBot admins are configured by role and user id, which Discord's permission bits cannot express.
    /// </summary>
    public override string? DefaultMemberPermissions => "0";

    public override ValueTask<PreconditionResult> CheckAsync(InteractionContext context, IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<DiscordOptions>>().Value;
        var interaction = context.Interaction;
        var allowed = options.AdminUserIds.Contains(interaction.User.Id)
                      || interaction.MemberRoles.Any(role => options.AdminRoleIds.Contains(role));
        return ValueTask.FromResult(allowed
            ? PreconditionResult.Success
            : PreconditionResult.Fail("You are not allowed to do that: it needs an OpsBot admin role or user (Discord:AdminRoleIds / Discord:AdminUserIds)."));
    }
}
