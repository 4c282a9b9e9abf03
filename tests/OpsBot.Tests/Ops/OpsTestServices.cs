using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using NSubstitute;
using OpsBot.Ops;
using OpsBot.Ops.Docker;
using OpsBot.Ops.Probes;
using OpsBot.Ops.Ssh;
using OpsBot.ProxyCore.Events;

namespace OpsBot.Tests.Ops;

/// <summary>AddOps with SSH, TCP, Docker and the proxy parts substituted, so decisions can be tested in isolation.</summary>
public sealed class OpsTestServices : IAsyncDisposable
{
    private readonly ServiceProvider _provider;

    public OpsTestServices(IDictionary<string, string?>? settings = null, TimeProvider? time = null, Action<IServiceCollection>? extra = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings ?? new Dictionary<string, string?>()).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        if (time is not null)
        {
            services.AddSingleton(time);
        }

        services.AddSingleton(Ssh);
        services.AddSingleton(Tcp);
        services.AddSingleton(Containers);
        services.AddSingleton(ProxyListener);
        services.AddSingleton(ProxyStatistics);
        extra?.Invoke(services);
        services.AddOps(configuration);
        _provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }

    public ISshCommandRunner Ssh { get; } = Substitute.For<ISshCommandRunner>();

    public ITcpPortProbe Tcp { get; } = Substitute.For<ITcpPortProbe>();

    public IContainerEngine Containers { get; } = Substitute.For<IContainerEngine>();

    public IProxyListener ProxyListener { get; } = Substitute.For<IProxyListener>();

    public IProxyStatistics ProxyStatistics { get; } = Substitute.For<IProxyStatistics>();

    public T Get<T>()
        where T : notnull => _provider.GetRequiredService<T>();

    public ValueTask DisposeAsync() => _provider.DisposeAsync();

    public static Dictionary<string, string?> GatewayConfigured(string keyPath) => new()
    {
        ["Ops:Gateway:Host"] = "gateway.example",
        ["Ops:Gateway:User"] = "ops",
        ["Ops:Gateway:PrivateKeyPath"] = keyPath,
        ["Ops:Gateway:HostKeyFingerprint"] = "SHA256:" + new string('A', 43),
        ["Ops:Gateway:ReadyPollInterval"] = "00:00:00.010",
        ["Ops:Gateway:RestartReadyTimeout"] = "00:00:05",
    };

    public static SshCommandResult Completed(string stdout, int exit = 0, string stderr = "") =>
        new(SshOutcome.Completed, exit, stdout, stderr, null, TimeSpan.FromMilliseconds(20));
}
