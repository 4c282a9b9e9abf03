using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpsBot.ProxyCore.Proxy.RequestBodies;

namespace OpsBot.ProxyCore.Proxy;

/// <summary>
/// Builds the proxy as its own Kestrel application. OpsBot runs one inside its host (so the proxy
/// listener can be restarted on its own); tests and the benchmark start one on a free port.
/// </summary>
public static class ProxyApplication
{
    /// <param name="configure">Sets the proxy options (listen address, upstream, limits); validated at start.</param>
    /// <param name="configureServices">Adds services shared with an outer host (observers, logging, time).</param>
    public static WebApplication Build(Action<ProxyOptions> configure, Action<IServiceCollection>? configureServices = null)
    {
        var options = new ProxyOptions();
        configure(options);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = typeof(ProxyApplication).Assembly.GetName().Name });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes;
            // Bodies wait for RequestBodyBudget in the kernel's socket buffer, not in Kestrel's (1 MiB per connection by default).
            kestrel.Limits.MaxRequestBufferSize = RequestBodyBudget.KestrelReadAhead;
            // Long generations are silent until the answer is ready (buffered tool requests).
            kestrel.Limits.KeepAliveTimeout = TimeSpan.FromMinutes(10);
            // An unparsable host is reported by ProxyOptionsValidator at start; never throw here.
            var address = options.Host == "localhost" ? IPAddress.Loopback
                : IPAddress.TryParse(options.Host, out var parsed) ? parsed
                : IPAddress.Any;
            kestrel.Listen(address, options.Port);
        });

        // The socket transport reads ahead on its own (1 MiB per connection by default) whatever the limit above says.
        builder.WebHost.UseSockets(sockets => sockets.MaxReadBufferSize = RequestBodyBudget.KestrelReadAhead);

        builder.Services.AddOptions<ProxyOptions>().Configure(configure);
        configureServices?.Invoke(builder.Services);
        builder.Services.AddOpsBotProxy();

        var app = builder.Build();
        app.UseOpsBotProxyGuards();
        app.MapOpsBotProxy();
        return app;
    }

    /// <summary>Where a client on this machine reaches the proxy (port 0 becomes a real port; a wildcard bind becomes loopback).</summary>
    public static Uri GetListenUri(this WebApplication app)
    {
        var uri = app.GetBindUri();
        // 0.0.0.0 / [::] are listen addresses, not something a client can dial.
        return uri.Host is "0.0.0.0" or "[::]" ? new UriBuilder(uri) { Host = "127.0.0.1" }.Uri : uri;
    }

    /// <summary>The address Kestrel actually bound, as it is: <c>0.0.0.0</c> means every interface, which the log should say.</summary>
    public static Uri GetBindUri(this WebApplication app) =>
        new(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());
}
