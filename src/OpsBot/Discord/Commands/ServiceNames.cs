using OpsBot.Ops;

namespace OpsBot.Discord.Commands;

/// <summary>The option values users pick; only these fixed words ever map to a service.</summary>
public static class ServiceNames
{
    public const string Vllm = "vllm";
    public const string Proxy = "proxy";
    public const string Gateway = "gateway";

    public static string Of(StackService service) => service switch
    {
        StackService.Vllm => Vllm,
        StackService.Proxy => Proxy,
        StackService.Gateway => Gateway,
        _ => throw new ArgumentOutOfRangeException(nameof(service), service, null),
    };

    public static StackService Parse(string value) => value switch
    {
        Vllm => StackService.Vllm,
        Proxy => StackService.Proxy,
        Gateway => StackService.Gateway,
        _ => throw new ArgumentOutOfRangeException(nameof(value), "Unknown service."),
    };

    public static bool TryParse(string value, out StackService service)
    {
        switch (value)
        {
            case Vllm:
                service = StackService.Vllm;
                return true;
            case Proxy:
                service = StackService.Proxy;
                return true;
            case Gateway:
                service = StackService.Gateway;
                return true;
            default:
                service = default;
                return false;
        }
    }
}
