using OpsBot.Admin;
using OpsBot.Cli;
using OpsBot.Hosting;

try
{
    // The unit's plain `--port N --vllm-url URL` starts without building the whole CLI; anything else gets the full parse and its errors.
    var hostArguments = ServiceCommandLine.TryParse(args);
    var commandLine = hostArguments is null ? new OpsBotCommandLine().Parse(args) : null;
    if (commandLine is { RunsService: false })
    {
        // A CLI verb, help, or a mistake on the command line (the service's own flags included).
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        return await CliApp.RunAsync(commandLine, CliConsole.FromSystem(Environment.GetEnvironmentVariable), cancel.Token);
    }

    var builder = OpsBotHost.CreateBuilder([.. hostArguments ?? commandLine!.HostArguments]);
    // Only the proxy's own settings may stop the start; every other section disables its component instead.
    if (ConfigurationErrors.CheckProxy(builder.Configuration) is { } errors)
    {
        return errors.Report(Console.Error);
    }

    if (OpsBotRoles.Of(builder.Configuration) == OpsBotRole.All)
    {
        // The admin socket answers for the bot and ops; a proxy-only instance has neither (and must not take the socket over).
        builder.Services.AddAdminEndpoint(builder.Configuration);
    }

    using var host = builder.Build();
    await host.RunAsync();
    return 0;
}
catch (Exception ex) when (ConfigurationErrors.From(ex) is { } errors)
{
    // A configuration mistake is the user's to fix: say exactly what, without a stack trace.
    return errors.Report(Console.Error);
}
catch (IOException ex) when (ex.InnerException is System.Net.Sockets.SocketException || ex.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
{
    Console.Error.WriteLine($"opsbot: cannot listen: {ex.Message}");
    return 3;
}
