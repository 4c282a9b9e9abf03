using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NSubstitute;
using OpsBot.Ops;
using OpsBot.ProxyCore.Events;

namespace OpsBot.IntegrationTests.Infrastructure;

/// <summary>The Ops services exactly as AddOps wires them, with the lead's proxy parts substituted.</summary>
public sealed class OpsServices : IAsyncDisposable
{
    private readonly ServiceProvider _provider;

    public OpsServices(IDictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Debug));
        services.AddSingleton(ProxyListener);
        services.AddSingleton(ProxyStatistics);
        services.AddOps(configuration);
        _provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    public IProxyListener ProxyListener { get; } = Substitute.For<IProxyListener>();

    public IProxyStatistics ProxyStatistics { get; } = CreateStatistics();

    public T Get<T>()
        where T : notnull => _provider.GetRequiredService<T>();

    public ValueTask DisposeAsync() => _provider.DisposeAsync();

    public static Dictionary<string, string?> GatewaySettings(SshServerFixture ssh, int gatewayPort) => new()
    {
        ["Ops:Gateway:Host"] = "127.0.0.1",
        ["Ops:Gateway:SshPort"] = ssh.Port.ToString(),
        ["Ops:Gateway:User"] = ssh.User,
        ["Ops:Gateway:PrivateKeyPath"] = ssh.ClientKeyPath,
        ["Ops:Gateway:HostKeyFingerprint"] = ssh.HostKeyFingerprint,
        ["Ops:Gateway:GatewayPort"] = gatewayPort.ToString(),
        ["Ops:Gateway:ConnectTimeout"] = "00:00:05",
        ["Ops:Gateway:CommandTimeout"] = "00:00:10",
        ["Ops:Gateway:SmokeTestTimeout"] = "00:00:06",
        ["Ops:Gateway:RestartReadyTimeout"] = "00:00:10",
        ["Ops:Gateway:ReadyPollInterval"] = "00:00:00.250",
        ["Ops:Gateway:OpenClawEnvironment:VLLM_API_KEY"] = "vllm-secret-key-42",
        ["Ops:Restart:Cooldown"] = "00:00:00",
    };

    private static IProxyStatistics CreateStatistics()
    {
        var statistics = Substitute.For<IProxyStatistics>();
        statistics.GetSnapshot().Returns(new ProxyStatisticsSnapshot(DateTimeOffset.UnixEpoch, TimeSpan.FromMinutes(5), 10, 3, 0, 0, null, null));
        return statistics;
    }
}
