using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace Reminders.App.Hosting;

/// <summary>
/// Resolves <c>%Name%</c> tokens in trigger attributes from settings, as the Functions host does. Setting names
/// are flat app-setting names: <c>Sweeps__PaymentDue__Schedule</c> is the configuration key
/// <c>Sweeps:PaymentDue:Schedule</c>.
/// </summary>
public static partial class SettingExpressions
{
    /// <summary>The configuration key of a flat setting name ("__" separates sections).</summary>
    public static string ToConfigurationKey(string settingName) =>
        settingName.Replace("__", ConfigurationPath.KeyDelimiter, StringComparison.Ordinal);

    /// <summary>
    /// <paramref name="value"/> with every <c>%Name%</c> replaced by its setting's value.
    /// Throws <see cref="InvalidOperationException"/> naming the setting when one is missing or empty.
    /// </summary>
    public static string Resolve(string value, IConfiguration configuration, string usedBy) =>
        Token().Replace(value, match =>
        {
            var name = match.Groups["name"].Value;
            var resolved = configuration[ToConfigurationKey(name)];
            if (string.IsNullOrWhiteSpace(resolved))
            {
                throw new InvalidOperationException($"{usedBy} uses the setting '{name}' (%{name}%), which is not set.");
            }
            return resolved.Trim();
        });

    [GeneratedRegex("%(?<name>[^%]+)%", RegexOptions.CultureInvariant)]
    private static partial Regex Token();
}
