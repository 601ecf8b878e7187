using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;

namespace Reminders.App.Hosting;

/// <summary>
/// Reads settings the way the Functions host does: local.settings.json "Values" (flat names,
/// "__" between sections) below environment variables and the command line, and host.json
/// under the "AzureFunctionsJobHost" section, where app settings such as
/// AzureFunctionsJobHost__extensions__queues__batchSize override it.
/// </summary>
public static class FunctionsConfiguration
{
    public const string HostSection = "AzureFunctionsJobHost";

    /// <summary>Tests run in this environment, where a developer's local.settings.json must not leak in.</summary>
    public const string TestingEnvironment = "Testing";

    public static void AddFunctionsSettings(this ConfigurationManager configuration, string contentRoot, string environmentName)
    {
        var localSettings = environmentName == TestingEnvironment ? null : FindFile("local.settings.json", contentRoot);
        if (localSettings is not null)
        {
            configuration.Sources.Insert(0, new LocalSettingsSource(localSettings));
        }

        var hostJson = FindFile("host.json", contentRoot);
        if (hostJson is not null)
        {
            // host.json sits below every other source so that app settings override it.
            configuration.Sources.Insert(0, new HostJsonSource(hostJson));
        }
    }

    /// <summary>Defaults of settings the design gives one for, below every other source.</summary>
    public static void AddSettingDefaults(this ConfigurationManager configuration)
    {
        var defaults = new Dictionary<string, string?>();
        foreach (var sweep in new[] { "PaymentDue", "ConfirmReceipt", "PayLater", "Settlement", "Refund" })
        {
            defaults[$"Sweeps:{sweep}:Schedule"] = "0 */1 * * * *";
        }
        configuration.Sources.Insert(0, new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource { InitialData = defaults });
    }

    /// <summary>The current directory first (run.sh runs from the repository root), then up from the app.</summary>
    private static string? FindFile(string name, string contentRoot)
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), contentRoot, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, name);
                if (File.Exists(candidate)) return candidate;
                if (File.Exists(Path.Combine(dir.FullName, "Reminders.sln"))) break;
            }
        }
        return null;
    }

    private sealed class LocalSettingsSource(string path) : IConfigurationSource
    {
        public IConfigurationProvider Build(IConfigurationBuilder builder) => new LocalSettingsProvider(path);
    }

    private sealed class LocalSettingsProvider(string path) : ConfigurationProvider
    {
        public override void Load()
        {
            using var stream = File.OpenRead(path);
            using var document = JsonDocument.Parse(stream, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            if (!document.RootElement.TryGetProperty("Values", out var values) || values.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"{path} has no \"Values\" object.");
            }
            var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            foreach (var setting in values.EnumerateObject())
            {
                data[setting.Name.Replace("__", ConfigurationPath.KeyDelimiter, StringComparison.Ordinal)] =
                    setting.Value.ValueKind == JsonValueKind.String ? setting.Value.GetString() : setting.Value.GetRawText();
            }
            Data = data;
        }
    }

    private sealed class HostJsonSource(string path) : IConfigurationSource
    {
        public IConfigurationProvider Build(IConfigurationBuilder builder) => new HostJsonProvider(path);
    }

    private sealed class HostJsonProvider(string path) : ConfigurationProvider
    {
        public override void Load()
        {
            var inner = new JsonConfigurationProvider(new JsonConfigurationSource { Path = Path.GetFileName(path), Optional = false });
            using var stream = File.OpenRead(path);
            inner.Load(stream);
            var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            foreach (var key in AllKeys(inner, null))
            {
                if (inner.TryGet(key, out var value)) data[HostSection + ConfigurationPath.KeyDelimiter + key] = value;
            }
            Data = data;
        }

        private static IEnumerable<string> AllKeys(IConfigurationProvider provider, string? parent)
        {
            foreach (var child in provider.GetChildKeys([], parent).Distinct(StringComparer.OrdinalIgnoreCase))
            {
                var key = parent is null ? child : ConfigurationPath.Combine(parent, child);
                yield return key;
                foreach (var nested in AllKeys(provider, key)) yield return nested;
            }
        }
    }
}
