using Microsoft.Extensions.DependencyInjection;
using OpsBot.Discord.Interactions;
using OpsBot.Operations;
using OpsBot.Ops;
using OpsBot.Ops.Configuration;

namespace OpsBot.Discord.Commands;

/// <summary>
/// Suggests the configured targets (<c>Ops:Gateways</c>, <c>Ops:Vllm</c>) of the service picked in the command's
/// <c>service</c> option: gateway names for <c>gateway</c>, vLLM container names for <c>vllm</c>, none for <c>proxy</c>.
/// Before a service is picked, both lists, each name marked with its service.
/// </summary>
public sealed class ServiceTargetAutocomplete : AutocompleteHandler
{
    public override ValueTask<AutocompletionResult> GenerateSuggestionsAsync(InteractionContext context, AutocompleteInput input, IServiceProvider services, CancellationToken cancellationToken)
    {
        var targets = services.GetService<OpsTargets>();
        if (targets is null)
        {
            return ValueTask.FromResult(AutocompletionResult.FromSuccess([]));
        }

        IEnumerable<(string Name, string Value)> candidates = EnumNames<StackService>.TryParseExact(input.OptionText(CommandTargets.ServiceOption), out var service)
            ? targets.Names(service).Select(n => (n, n))
            : [.. targets.Names(StackService.Gateway).Select(n => ($"{n} (gateway)", n)), .. targets.Names(StackService.Vllm).Select(n => ($"{n} (vllm)", n))];
        return ValueTask.FromResult(AutocompletionResult.FromSuccess(CommandTargets.Suggest(candidates.DistinctBy(c => c.Value), input.Text)));
    }
}

/// <summary>Suggests the configured gateway names (<c>/smoke target:</c>, whose tests run on a gateway host).</summary>
public sealed class GatewayTargetAutocomplete : AutocompleteHandler
{
    public override ValueTask<AutocompletionResult> GenerateSuggestionsAsync(InteractionContext context, AutocompleteInput input, IServiceProvider services, CancellationToken cancellationToken)
    {
        var names = services.GetService<OpsTargets>()?.Names(StackService.Gateway) ?? [];
        return ValueTask.FromResult(AutocompletionResult.FromSuccess(CommandTargets.Suggest(names.Select(n => (n, n)), input.Text)));
    }
}
