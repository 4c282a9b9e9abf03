using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NSubstitute;
using OpsBot.Alerts;
using OpsBot.Discord;
using OpsBot.Discord.Gateway;
using OpsBot.FakeDiscord;
using OpsBot.Ops;

namespace OpsBot.Tests.Discord;

/// <summary>
/// A generic host with <c>AddDiscordBot</c>, NSubstitute fakes of the ops services, captured logs, and the bot pointed at a
/// fresh <see cref="FakeDiscordServer"/> with short timings.
/// </summary>
public sealed class BotHarness : IAsyncDisposable
{
    private BotHarness(FakeDiscordServer discord, IHost host, LogCapture logs, Mocks mocks)
    {
        Discord = discord;
        Host = host;
        Logs = logs;
        Status = mocks.Status;
        LogTail = mocks.LogTail;
        Restart = mocks.Restart;
        Smoke = mocks.Smoke;
        Silences = mocks.Silences;
    }

    public FakeDiscordServer Discord { get; }

    public IHost Host { get; }

    public LogCapture Logs { get; }

    public IStatusService Status { get; }

    public ILogTailService LogTail { get; }

    public IRestartService Restart { get; }

    public ISmokeTestService Smoke { get; }

    public IAlertSilenceService Silences { get; }

    public DiscordGatewayClient Gateway => Host.Services.GetRequiredService<DiscordGatewayClient>();

    /// <param name="time">The bot's clock; share it with <see cref="FakeDiscordOptions.TimeProvider"/> to move both at once.</param>
    /// <param name="services">Registers what a test adds to the bot's host (a chart service, a history), before the bot.</param>
    public static async Task<BotHarness> StartAsync(
        Action<Dictionary<string, string?>>? configure = null, FakeDiscordOptions? fake = null, bool waitForReady = true, TimeProvider? time = null, Action<IServiceCollection>? services = null)
    {
        var server = await FakeDiscordServer.StartAsync(fake);
        var config = new Dictionary<string, string?>
        {
            ["Discord:Token"] = server.Options.Token,
            ["Discord:GuildId"] = server.Options.GuildId.ToString(CultureInfo.InvariantCulture),
            ["Discord:RestBaseUrl"] = server.RestBaseUrl.ToString(),
            ["Discord:AdminRoleIds:0"] = FakeInteractions.OpsRoleId.ToString(CultureInfo.InvariantCulture),
            ["Discord:AlertChannelId"] = FakeInteractions.AlertsChannelId.ToString(CultureInfo.InvariantCulture),
            ["Discord:IdentifyInterval"] = "00:00:00",
            ["Discord:InvalidSessionDelayMin"] = "00:00:00.050",
            ["Discord:InvalidSessionDelayMax"] = "00:00:00.150",
            ["Discord:ReconnectDelayInitial"] = "00:00:00.050",
            ["Discord:ReconnectDelayMax"] = "00:00:00.500",
            ["Discord:ConnectTimeout"] = "00:00:05",
        };
        configure?.Invoke(config);
        var logs = new LogCapture();
        var mocks = new Mocks();
        var host = Build(config, logs, mocks, time, services);
        try
        {
            // In production the generic host has no SynchronizationContext and the app awaits without ConfigureAwait
            // (.editorconfig); started from a test, the bot's gateway and interaction loops would capture xunit's
            // two-thread context instead and run in another order than they do for users.
            await Task.Run(() => host.StartAsync());
            if (waitForReady)
            {
                await server.Gateway.WaitForAsync("ready");
                await server.WaitForRequestAsync("PUT", "/api/v10/applications/");
            }
        }
        catch
        {
            host.Dispose();
            await server.DisposeAsync();
            throw;
        }

        return new BotHarness(server, host, logs, mocks);
    }

    public static IHost Build(Dictionary<string, string?> config, LogCapture logs, Mocks? mocks = null, TimeProvider? time = null, Action<IServiceCollection>? services = null)
    {
        mocks ??= new Mocks();
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(config);
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Trace);
        builder.Logging.AddProvider(logs);
        builder.Services.AddSingleton(mocks.Status);
        builder.Services.AddSingleton(mocks.LogTail);
        builder.Services.AddSingleton(mocks.Restart);
        builder.Services.AddSingleton(mocks.Smoke);
        builder.Services.AddSingleton(mocks.Silences);
        if (time is not null)
        {
            builder.Services.AddSingleton(time);
        }

        services?.Invoke(builder.Services);
        builder.Services.AddDiscordBot(builder.Configuration);
        return builder.Build();
    }

    /// <summary>
    /// Every bot test doubles as a compliance test: when it ends, the bot must not have broken a gateway rule (the
    /// fake's rule-close) or sent a request over an advertised rate limit. A test of the fake itself opts out.
    /// </summary>
    public bool ExpectCompliance { get; set; } = true;

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await Host.StopAsync(stop.Token);
        }
        finally
        {
            Host.Dispose();
            await Discord.DisposeAsync();
        }

        if (ExpectCompliance)
        {
            Assert.DoesNotContain(Discord.Gateway.Events.Snapshot(), e => e.Kind == "rule-close");
            Assert.Equal(0, Discord.RateLimitViolations);
        }
    }

    public sealed class Mocks
    {
        public IStatusService Status { get; } = Substitute.For<IStatusService>();

        public ILogTailService LogTail { get; } = Substitute.For<ILogTailService>();

        public IRestartService Restart { get; } = Substitute.For<IRestartService>();

        public ISmokeTestService Smoke { get; } = Substitute.For<ISmokeTestService>();

        public IAlertSilenceService Silences { get; } = Substitute.For<IAlertSilenceService>();
    }
}
