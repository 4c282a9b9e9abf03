using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpsBot.ProxyCore.Proxy;

namespace OpsBot.ProxyCore.Tests.Proxy;

public sealed class ProxyOptionsValidationTests
{
    private static IOptions<ProxyOptions> Resolve(Action<ProxyOptions> configure)
    {
        var services = new ServiceCollection().AddLogging();
        services.AddOpsBotProxy();
        services.Configure(configure);
        return services.BuildServiceProvider().GetRequiredService<IOptions<ProxyOptions>>();
    }

    [Fact]
    public void Registered_validators_report_attribute_ranges_and_the_rules_attributes_cannot_express_together()
    {
        var options = Resolve(o =>
        {
            o.Port = 70_000;
            o.UpstreamTimeout = TimeSpan.Zero;
        });

        var failure = Assert.Throws<OptionsValidationException>(() => options.Value);

        Assert.Equal(
            ["Port: The field ProxyOptions.Port must be between 0 and 65535.", "Proxy:UpstreamTimeout must be positive, got '00:00:00'."],
            failure.Failures);
    }

    [Fact]
    public void Defaults_pass_both_validators()
    {
        Assert.Equal(8003, Resolve(_ => { }).Value.Port);
    }

    [Fact]
    public void Generated_validator_checks_required_strings()
    {
        var result = new ProxyOptionsAnnotations().Validate(Options.DefaultName, new ProxyOptions { Host = "" });

        Assert.True(result.Failed);
        Assert.Equal(["Host: The ProxyOptions.Host field is required."], result.Failures);
    }
}
