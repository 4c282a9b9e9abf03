using Microsoft.Extensions.Options;
using OpsBot.Admin;
using OpsBot.Cli;
using OpsBot.Hosting;

try
{
    var commandLine = new OpsBotCommandLine().Parse(args);
    if (!commandLine.RunsService)
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

    var builder = OpsBotHost.CreateBuilder([.. commandLine.HostArguments]);
    builder.Services.AddAdminEndpoint(builder.Configuration);
    using var host = builder.Build();
    await host.RunAsync();
    return 0;
}
catch (OptionsValidationException ex)
{
    // A configuration mistake is the user's to fix: say exactly what, without a stack trace.
    Console.Error.WriteLine("opsbot: invalid configuration:");
    foreach (var failure in ex.Failures)
    {
        Console.Error.WriteLine($"  - {failure}");
    }

    return 2;
}
catch (IOException ex) when (ex.InnerException is System.Net.Sockets.SocketException || ex.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
{
    Console.Error.WriteLine($"opsbot: cannot listen: {ex.Message}");
    return 3;
}
