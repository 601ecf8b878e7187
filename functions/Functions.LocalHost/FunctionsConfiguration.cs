using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;

namespace Functions.LocalHost;

/// <summary>
/// Settings as the Functions host and Core Tools give them: host.json under <c>AzureFunctionsJobHost</c> (so that
/// app settings such as <c>AzureFunctionsJobHost__extensions__queues__batchSize</c> override it) and
/// local.settings.json "Values" (flat names, "__" between sections), both below every other source.
/// </summary>
public static partial class FunctionsConfiguration
{
    public const string HostSection = "AzureFunctionsJobHost";

    /// <summary>The environment in which local.settings.json is not read, so that a developer's settings stay out of tests.</summary>
    public const string TestingEnvironment = "Testing";

    /// <summary>
    /// Adds host.json and local.settings.json from <paramref name="contentRoot"/>, or else from the app's own
    /// folder (where the build copies host.json).
    /// </summary>
    public static void AddFunctionsHostFiles(this IConfigurationManager configuration, string contentRoot, string environmentName)
    {
        if (environmentName != TestingEnvironment && FindFile("local.settings.json", contentRoot) is { } localSettings)
        {
            configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = ReadLocalSettings(localSettings) });
        }
        if (FindFile("host.json", contentRoot) is { } hostJson)
        {
            configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = ReadHostJson(hostJson) });
        }
    }

    /// <summary>
    /// <paramref name="value"/> with every <c>%Name%</c> replaced by the setting of that flat name
    /// (<c>Sweeps__PaymentDue__Schedule</c> is the key <c>Sweeps:PaymentDue:Schedule</c>).
    /// Throws <see cref="InvalidOperationException"/> naming the setting when it is missing or empty.
    /// </summary>
    public static string ResolveSettings(string value, IConfiguration configuration, string usedBy) =>
        SettingToken().Replace(value, match =>
        {
            var name = match.Groups["name"].Value;
            var resolved = configuration[name.Replace("__", ConfigurationPath.KeyDelimiter, StringComparison.Ordinal)];
            if (string.IsNullOrWhiteSpace(resolved))
            {
                throw new InvalidOperationException($"{usedBy} uses the setting '{name}' (%{name}%), which is not set.");
            }
            return resolved.Trim();
        });

    private static string? FindFile(string name, string contentRoot) =>
        new[] { contentRoot, AppContext.BaseDirectory }.Select(dir => Path.Combine(dir, name)).FirstOrDefault(File.Exists);

    private static Dictionary<string, string?> ReadHostJson(string path)
    {
        var json = new ConfigurationBuilder().AddJsonFile(path, optional: false, reloadOnChange: false).Build();
        return json.AsEnumerable()
            .Where(setting => setting.Value is not null)
            .ToDictionary(setting => ConfigurationPath.Combine(HostSection, setting.Key), setting => setting.Value, StringComparer.OrdinalIgnoreCase);
    }

    private static Dictionary<string, string?> ReadLocalSettings(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        if (!document.RootElement.TryGetProperty("Values", out var values) || values.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"{path} has no \"Values\" object.");
        }
        return values.EnumerateObject().ToDictionary(
            setting => setting.Name.Replace("__", ConfigurationPath.KeyDelimiter, StringComparison.Ordinal),
            setting => setting.Value.ValueKind == JsonValueKind.String ? setting.Value.GetString() : setting.Value.GetRawText(),
            StringComparer.OrdinalIgnoreCase);
    }

    [GeneratedRegex("%(?<name>[^%]+)%", RegexOptions.CultureInvariant)]
    private static partial Regex SettingToken();
}
