using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration.CommandLine;
using Microsoft.Extensions.Options;

namespace OpsBot.Hosting;

/// <summary>
/// Binds and validates one configuration section up front, collecting every problem as a line that names its key
/// instead of throwing at the first one: values that do not convert (<c>banana</c> for a duration), data annotations,
/// then the section's validator. Where a value came from a command-line flag, the flag is named too.
/// </summary>
public static class ConfigurationCheck
{
    /// <summary>The section bound into a new <typeparamref name="T"/> (defaults where it does not bind) and its problems.</summary>
    public static (T Value, IReadOnlyList<string> Problems) Bind<T>(IConfiguration configuration, string section, IValidateOptions<T>? validator = null)
        where T : class, new()
    {
        var problems = new List<string>();
        var node = configuration.GetSection(section);
        CheckConversions(configuration, typeof(T), node, problems);
        if (problems.Count > 0)
        {
            return (new T(), problems);
        }

        T value;
        try
        {
            value = node.Get<T>() ?? new T();
        }
        catch (InvalidOperationException ex)
        {
            // A shape the conversion walk does not know; the binder's own message names the key.
            problems.Add(ex.InnerException is { } inner ? $"{ex.Message} {inner.Message}" : ex.Message);
            return (new T(), problems);
        }

        CheckAnnotations(configuration, section, value, problems);
        if (validator?.Validate(Options.DefaultName, value) is { Failed: true } result)
        {
            problems.AddRange(result.Failures ?? [result.FailureMessage]);
        }

        return (value, problems);
    }

    /// <summary><c>Proxy:Port (--port)</c> when the value came from that flag, else the key alone.</summary>
    public static string Describe(IConfiguration configuration, string key)
    {
        if (configuration is not IConfigurationRoot root)
        {
            return key;
        }

        // The last provider that has the key is the one whose value counts.
        var provider = root.Providers.LastOrDefault(p => p.TryGet(key, out _));
        if (provider is not CommandLineConfigurationProvider)
        {
            return key;
        }

        var flag = CommandLine.SwitchMappings.FirstOrDefault(m => string.Equals(m.Value, key, StringComparison.OrdinalIgnoreCase)).Key;
        return $"{key} ({flag ?? "--" + key})";
    }

    private static void CheckConversions(IConfiguration configuration, Type type, IConfigurationSection node, List<string> problems)
    {
        foreach (var child in node.GetChildren())
        {
            var property = type.GetProperty(child.Key, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
            if (property is null || !property.CanWrite && !IsCollection(property.PropertyType))
            {
                // The binder ignores keys it has no property for; so do we.
                continue;
            }

            CheckValue(configuration, property.PropertyType, child, problems);
        }
    }

    private static void CheckValue(IConfiguration configuration, Type declared, IConfigurationSection node, List<string> problems)
    {
        var type = Nullable.GetUnderlyingType(declared) ?? declared;
        if (IsScalar(type))
        {
            if (!string.IsNullOrEmpty(node.Value) && !Converts(type, node.Value))
            {
                problems.Add($"{Describe(configuration, node.Path)}: '{node.Value}' is not {Expected(type)}.");
            }

            return;
        }

        if (ElementType(type) is { } element)
        {
            foreach (var item in node.GetChildren())
            {
                CheckValue(configuration, element, item, problems);
            }

            return;
        }

        if (type.IsClass && type != typeof(string))
        {
            CheckConversions(configuration, type, node, problems);
        }
    }

    private static void CheckAnnotations<T>(IConfiguration configuration, string section, T value, List<string> problems)
        where T : class
    {
        foreach (var property in typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (!property.IsDefined(typeof(ValidationAttribute), inherit: true) || property.GetIndexParameters().Length > 0)
            {
                continue;
            }

            var results = new List<ValidationResult>();
            if (!Validator.TryValidateProperty(property.GetValue(value), new ValidationContext(value) { MemberName = property.Name }, results))
            {
                var key = Describe(configuration, $"{section}:{property.Name}");
                problems.AddRange(results.Select(r => $"{key}: {r.ErrorMessage}"));
            }
        }
    }

    private static bool IsScalar(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(TimeSpan)
        || type == typeof(DateTimeOffset) || type == typeof(DateTime) || type == typeof(Uri) || type == typeof(Guid);

    private static bool IsCollection(Type type) => ElementType(type) is not null;

    private static Type? ElementType(Type type)
    {
        if (type.IsArray)
        {
            return type.GetElementType();
        }

        if (!type.IsGenericType)
        {
            return null;
        }

        var arguments = type.GetGenericArguments();
        var definition = type.GetGenericTypeDefinition();
        if (arguments.Length == 1 && (definition == typeof(List<>) || definition == typeof(IList<>) || definition == typeof(IReadOnlyList<>)
            || definition == typeof(IEnumerable<>) || definition == typeof(ICollection<>) || definition == typeof(IReadOnlyCollection<>)))
        {
            return arguments[0];
        }

        return arguments.Length == 2 && (definition == typeof(Dictionary<,>) || definition == typeof(IDictionary<,>) || definition == typeof(IReadOnlyDictionary<,>))
            ? arguments[1]
            : null;
    }

    private static bool Converts(Type type, string text)
    {
        try
        {
            var converted = TypeDescriptor.GetConverter(type).ConvertFromInvariantString(text);
            // EnumConverter takes any number; a number no member has is as wrong as a misspelt name.
            return !type.IsEnum || type.IsDefined(typeof(FlagsAttribute)) || (converted is not null && Enum.IsDefined(type, converted));
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or NotSupportedException or OverflowException or InvalidCastException)
        {
            return false;
        }
    }

    private static string Expected(Type type) => type switch
    {
        _ when type.IsEnum => $"one of {string.Join(", ", Enum.GetNames(type).Select(n => n.ToLowerInvariant()))}",
        _ when type == typeof(bool) => "true or false",
        _ when type == typeof(TimeSpan) => "a duration such as 00:05:00 (hh:mm:ss) or 1.00:00:00 (days)",
        _ when type == typeof(ulong) => "a positive whole number (a Discord id)",
        _ when type == typeof(int) || type == typeof(long) || type == typeof(short) || type == typeof(uint) || type == typeof(byte) || type == typeof(ushort) =>
            string.Create(CultureInfo.InvariantCulture, $"a whole number"),
        _ when type == typeof(double) || type == typeof(float) || type == typeof(decimal) => "a number",
        _ when type == typeof(Uri) => "a URL",
        _ => $"a valid {type.Name}",
    };
}
