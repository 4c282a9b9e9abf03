using Microsoft.Extensions.Options;

namespace OpsBot.ProxyCore.Proxy;

/// <summary>
/// The <see cref="System.ComponentModel.DataAnnotations"/> attributes on <see cref="ProxyOptions"/>, checked by code the
/// options source generator writes at build time instead of by reflection (<c>ValidateDataAnnotations</c>).
/// </summary>
/// <remarks>The rules attributes cannot express are in <see cref="ProxyOptionsValidator"/>.</remarks>
[OptionsValidator]
internal sealed partial class ProxyOptionsAnnotations : IValidateOptions<ProxyOptions>;
