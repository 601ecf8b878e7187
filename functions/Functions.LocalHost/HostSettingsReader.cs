using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Functions.LocalHost;

/// <summary>
/// Reads typed values from one configuration section, collecting every error with the full setting name (as
/// configuration key and as flat app-setting name) so that start-up fails with all of them at once.
/// </summary>
internal sealed class HostSettingsReader(IConfiguration configuration, string sectionPath)
{
    private readonly List<string> _errors = [];

    public IReadOnlyList<string> Errors => _errors;

    public void Fail(string name, string message)
    {
        var key = ConfigurationPath.Combine(sectionPath, name);
        _errors.Add($"{key} ({key.Replace(ConfigurationPath.KeyDelimiter, "__", StringComparison.Ordinal)}) {message}");
    }

    public string? Text(string name)
    {
        var value = configuration[ConfigurationPath.Combine(sectionPath, name)];
        return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }

    public int? Int(string name)
    {
        var text = Text(name);
        if (text is null) return null;
        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)) return value;
        Fail(name, $"must be a whole number; it is '{text}'.");
        return null;
    }

    public TimeSpan? Duration(string name)
    {
        var text = Text(name);
        if (text is null) return null;
        if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var value)) return value;
        Fail(name, $"must be a duration such as 00:00:30; it is '{text}'.");
        return null;
    }
}
