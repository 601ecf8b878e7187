using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Reminders.Channels.Settings;

/// <summary>
/// Options bound from a configuration section and checked at start-up (ValidateOnStart). Every problem names its
/// setting as it is written in app settings and environment variables (Channels__Email__Smtp__Port).
/// </summary>
public static partial class SettingsRegistration
{
    /// <summary>Binds <typeparamref name="T"/> to <paramref name="section"/>, validated by its data annotations and IValidatableObject.</summary>
    public static OptionsBuilder<T> AddSettings<T>(this IServiceCollection services, IConfiguration configuration, string section)
        where T : class
    {
        services.AddSingleton<IValidateOptions<T>>(new SettingsValidator<T>(section));
        return services.AddOptions<T>()
            .Configure(options => Bind(configuration.GetSection(section), options))
            .ValidateOnStart();
    }

    /// <summary>The section bound now, for what must be known while registering services (which provider to register).</summary>
    public static T Get<T>(IConfiguration configuration, string section) where T : class, new()
    {
        var options = new T();
        Bind(configuration.GetSection(section), options);
        return options;
    }

    /// <summary>The flat name of a configuration key, as settings are written: Channels:Sms:Provider is Channels__Sms__Provider.</summary>
    public static string SettingName(string key) => key.Replace(":", "__", StringComparison.Ordinal);

    private static void Bind(IConfigurationSection section, object options)
    {
        try
        {
            section.Bind(options);
        }
        catch (InvalidOperationException e)
        {
            // The binder says "Failed to convert configuration value 'x' at 'Channels:Email:Smtp:Port' to type ...":
            // the key is rewritten as the setting's flat name. Should the wording change, the key is still named.
            var message = BinderKey().Replace(e.Message, match => $"at '{SettingName(match.Groups["key"].Value)}'");
            throw new OptionsValidationException(section.Path, options.GetType(), [message]);
        }
    }

    [GeneratedRegex("at '(?<key>[^']+)'")]
    private static partial Regex BinderKey();
}

/// <summary>Runs the data annotations and IValidatableObject of <typeparamref name="T"/>; each failure names its setting.</summary>
internal sealed class SettingsValidator<T>(string section) : IValidateOptions<T> where T : class
{
    public ValidateOptionsResult Validate(string? name, T options)
    {
        // Each property's attributes, then the rules across properties: every problem at once (Validator.TryValidateObject
        // would skip the rules once an attribute failed).
        var results = new List<ValidationResult>();
        foreach (var property in typeof(T).GetProperties().Where(p => p.GetIndexParameters().Length == 0))
        {
            Validator.TryValidateProperty(property.GetValue(options), new ValidationContext(options) { MemberName = property.Name }, results);
        }
        if (options is IValidatableObject validatable) results.AddRange(validatable.Validate(new ValidationContext(options)));
        return results.Count == 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(results.Select(Describe));
    }

    private string Describe(ValidationResult result)
    {
        // A result without members is a message that names its settings itself.
        var settings = result.MemberNames.Select(member => SettingsRegistration.SettingName(section + ":" + member)).ToList();
        return settings.Count == 0 ? result.ErrorMessage ?? "" : $"{string.Join(" or ", settings)}: {result.ErrorMessage}";
    }
}

/// <summary>An absolute http or https URL.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class HttpUrlAttribute() : ValidationAttribute("must be an absolute http(s) URL.")
{
    public override bool IsValid(object? value) =>
        value is null || value is Uri { IsAbsoluteUri: true } uri && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
}
