using Microsoft.Extensions.Options;
using OpsBot.Hosting;

try
{
    using var host = OpsBotHost.CreateBuilder(args).Build();
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
