using OpsBot.Cli;
using OpsBot.Hosting;

try
{
    if (CliApp.IsCliInvocation(args))
    {
        // The CLI twin: same services, nothing started, results printed instead of posted.
        var cliBuilder = OpsBotHost.CreateBuilder(CliApp.HostArguments(args));
        // The terminal shows the command's output; the service's informational log lines would drown it.
        cliBuilder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Warning", ["Logging:LogLevel:OpsBot"] = "Warning" });
        using var cli = cliBuilder.Build();
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        return await CliApp.TryRunAsync(args, cli.Services, Console.Out, cancel.Token) ?? CliApp.ExitUsage;
    }

    var builder = OpsBotHost.CreateBuilder(args);
    // Only the proxy's own settings may stop the start; every other section disables its component instead.
    if (ConfigurationErrors.CheckProxy(builder.Configuration) is { } errors)
    {
        return errors.Report(Console.Error);
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
