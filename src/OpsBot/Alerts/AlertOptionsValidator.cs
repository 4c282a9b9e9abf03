using Microsoft.Extensions.Options;

namespace OpsBot.Alerts;

public sealed class AlertOptionsValidator : IValidateOptions<AlertOptions>
{
    public ValidateOptionsResult Validate(string? name, AlertOptions options)
    {
        var errors = new ValidateOptionsResultBuilder();
        void Positive(TimeSpan value, string key)
        {
            if (value <= TimeSpan.Zero)
            {
                errors.AddError($"Alerts:{key} must be a positive duration (got {value}).");
            }
        }

        var noReply = options.NoReply;
        if (noReply.WarnThreshold < 1)
        {
            errors.AddError($"Alerts:NoReply:WarnThreshold must be at least 1 (got {noReply.WarnThreshold}).");
        }

        if (noReply.AlertThreshold < noReply.WarnThreshold)
        {
            errors.AddError($"Alerts:NoReply:AlertThreshold ({noReply.AlertThreshold}) must be at least Alerts:NoReply:WarnThreshold ({noReply.WarnThreshold}).");
        }

        Positive(noReply.Window, "NoReply:Window");
        Positive(noReply.ResolveAfter, "NoReply:ResolveAfter");
        Positive(noReply.UpdateInterval, "NoReply:UpdateInterval");

        if (options.LoopGuard.Threshold < 1)
        {
            errors.AddError($"Alerts:LoopGuard:Threshold must be at least 1 (got {options.LoopGuard.Threshold}).");
        }

        Positive(options.LoopGuard.Window, "LoopGuard:Window");
        Positive(options.Health.ThrottleInterval, "Health:ThrottleInterval");
        Positive(options.Health.MaxMaintenance, "Health:MaxMaintenance");
        if (options.Health.ConfirmAfter < TimeSpan.Zero || options.Health.MaintenanceGrace < TimeSpan.Zero)
        {
            errors.AddError("Alerts:Health:ConfirmAfter and Alerts:Health:MaintenanceGrace must not be negative.");
        }

        Positive(options.GatewayLog.PollInterval, "GatewayLog:PollInterval");
        if (options.GatewayLog.Patterns.Count == 0 || options.GatewayLog.Patterns.Any(string.IsNullOrWhiteSpace))
        {
            errors.AddError("Alerts:GatewayLog:Patterns must list at least one non-empty pattern.");
        }

        var delivery = options.Delivery;
        if (delivery.MaxQueued is < 1 or > 100_000)
        {
            errors.AddError($"Alerts:Delivery:MaxQueued must be between 1 and 100000 (got {delivery.MaxQueued}).");
        }

        Positive(delivery.MaxAge, "Delivery:MaxAge");
        Positive(delivery.RetryInitialDelay, "Delivery:RetryInitialDelay");
        if (delivery.RetryMaxDelay < delivery.RetryInitialDelay)
        {
            errors.AddError("Alerts:Delivery:RetryMaxDelay must be at least Alerts:Delivery:RetryInitialDelay.");
        }

        Positive(options.TickInterval, "TickInterval");
        if (options.MaxSilenceMinutes is < 1 or > AlertOptions.SilenceMinutesCeiling)
        {
            errors.AddError($"Alerts:MaxSilenceMinutes must be between 1 and {AlertOptions.SilenceMinutesCeiling} (got {options.MaxSilenceMinutes}).");
        }

        return errors.Build();
    }
}
