using System.Reflection;
using System.Text.RegularExpressions;
using Reminders.App.Dashboard;
using Reminders.App.Orders;
using Reminders.TestSupport;

namespace Reminders.App.Tests.Infra;

/// <summary>
/// The Bicep templates read as text, since no Bicep compiler installs here: the settings they give the app are the
/// ones it reads and documents, the required ones are all there, and the parameters they pass exist.
/// </summary>
public sealed partial class InfraTemplateTests
{
    private static readonly string Root = TestStorage.FindRepositoryRoot();
    private static readonly string Main = BicepTemplates.Read(Root, "main.bicep");
    private static readonly string[] Templates = [.. Directory.GetFiles(Path.Combine(Root, "infra"), "*.bicep*", SearchOption.AllDirectories)];

    [Fact]
    public void Every_app_setting_the_templates_set_is_documented()
    {
        var documentation = new SettingsDocumentation(Root);

        var undocumented = Templates.SelectMany(t => BicepTemplates.SettingNames(File.ReadAllText(t))).Where(s => !documentation.Documents(s)).Distinct();

        Assert.Empty(undocumented);
    }

    [Fact]
    public void The_settings_README_marks_required_are_set()
    {
        var required = new SettingsDocumentation(Root).Required;

        Assert.Contains("Webhooks__Orders__Secret", required);
        Assert.Empty(required.Except(BicepTemplates.SettingNames(Main)));
    }

    [Fact]
    public void Every_setting_a_trigger_names_with_percent_signs_is_set()
    {
        // The Functions host resolves %Name% in trigger attributes from app settings, not from the worker's defaults.
        var named = TriggerSettingNames(typeof(OrderStore).Assembly);

        Assert.Contains("Sweeps__PaymentDue__Schedule", named);
        Assert.Empty(named.Except(BicepTemplates.SettingNames(Main)));
    }

    [Fact]
    public void Storage_and_telemetry_are_reached_with_the_managed_identity()
    {
        var set = BicepTemplates.SettingNames(Main);

        Assert.Contains("AzureWebJobsStorage__credential", set);
        Assert.Contains("AzureWebJobsStorage__clientId", set);
        Assert.True(set.Contains("AzureWebJobsStorage__accountName")
            || new[] { "AzureWebJobsStorage__blobServiceUri", "AzureWebJobsStorage__queueServiceUri", "AzureWebJobsStorage__tableServiceUri" }.All(set.Contains));
        Assert.Contains("APPLICATIONINSIGHTS_CONNECTION_STRING", set);
        Assert.Contains("APPLICATIONINSIGHTS_AUTHENTICATION_STRING", set);
        Assert.Contains("allowSharedKeyAccess: false", BicepTemplates.Read(Root, "modules/storage.bicep"));
        Assert.DoesNotMatch(PlainStorageConnectionString(), Main);
    }

    [Fact]
    public void The_Service_Bus_settings_name_the_namespace_identity_and_topic()
    {
        var set = BicepTemplates.SettingNames(Main);

        Assert.Equal(
            ["ServiceBus__fullyQualifiedNamespace", "ServiceBus__credential", "ServiceBus__clientId", "ServiceBus__Topic"],
            set.Where(s => s.StartsWith("ServiceBus__", StringComparison.Ordinal)));
        Assert.Contains("requiresDuplicateDetection: true", BicepTemplates.Read(Root, "modules/servicebus.bicep"));
    }

    [Theory]
    [InlineData("FUNCTIONS_WORKER_RUNTIME")]
    [InlineData("FUNCTIONS_EXTENSION_VERSION")]
    [InlineData("WEBSITE_CONTENTAZUREFILECONNECTIONSTRING")]
    [InlineData("WEBSITE_CONTENTSHARE")]
    [InlineData("WEBSITE_RUN_FROM_PACKAGE")]
    [InlineData("WEBSITE_TIME_ZONE")]
    [InlineData("SCM_DO_BUILD_DURING_DEPLOYMENT")]
    public void No_setting_that_Flex_Consumption_refuses_is_set(string setting)
    {
        Assert.DoesNotContain(setting, Templates.SelectMany(t => BicepTemplates.SettingNames(File.ReadAllText(t))));
    }

    [Fact]
    public void The_parameter_file_sets_only_parameters_main_declares_and_every_one_without_a_default()
    {
        var declared = BicepTemplates.DeclaredParameters(Main);
        var assigned = BicepTemplates.AssignedParameters(BicepTemplates.Read(Root, "main.bicepparam"));

        Assert.Empty(assigned.Except(declared.Keys));
        Assert.Empty(declared.Where(p => !p.Value).Select(p => p.Key).Except(assigned));
    }

    [Fact]
    public void Every_module_call_passes_parameters_the_module_declares_and_all_it_requires()
    {
        var calls = BicepTemplates.ModuleCalls(Main).ToList();

        Assert.Equal(["monitoring", "storage", "keyVault", "serviceBus", "functionApp"], calls.Select(c => c.Name));
        foreach (var (name, path, passed) in calls)
        {
            var declared = BicepTemplates.DeclaredParameters(BicepTemplates.Read(Root, path));
            Assert.True(passed.Except(declared.Keys).ToList() is [], $"{name} passes parameters {path} does not declare: {string.Join(", ", passed.Except(declared.Keys))}");
            var missing = declared.Where(p => !p.Value).Select(p => p.Key).Except(passed).ToList();
            Assert.True(missing is [], $"{name} does not pass {path}'s required {string.Join(", ", missing)}");
        }
    }

    [Fact]
    public void Every_Key_Vault_reference_names_a_secret_the_vault_module_writes()
    {
        var written = BicepTemplates.TopLevelKeys(Main, Main.IndexOf("secretValues: {", StringComparison.Ordinal) + "secretValues: ".Length);

        var referenced = KeyVaultReference().Matches(Main).Select(m => m.Groups["secret"].Value).ToList();

        Assert.Contains("webhooks-orders-secret", referenced);
        Assert.Empty(referenced.Except(written));
    }

    [Fact]
    public void The_tables_and_queues_created_up_front_are_the_apps()
    {
        var tables = QuotedList(Main, "tableNames");
        var queues = QuotedList(Main, "queueNames");

        Assert.Equal(
            new[] { ReminderStorage.OrdersTable, ReminderStorage.IndexTable, ReminderStorage.BuyersTable, ReminderStorage.OutboxTable, ReminderStorage.ActivityTable }.Order(),
            tables.Order());
        Assert.Equal(QueueNames.All.Order(), queues.Order());
    }

    /// <summary>Every <c>%Name%</c> in a trigger attribute's string properties (class, method or parameter attributes).</summary>
    private static List<string> TriggerSettingNames(Assembly assembly)
    {
        var targets = assembly.GetTypes().SelectMany(type => new ICustomAttributeProvider[] { type }
            .Concat(type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Concat(type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly).SelectMany(m => m.GetParameters())));
        return targets
            .SelectMany(target => target.GetCustomAttributes(false))
            .Where(attribute => attribute.GetType().Name.EndsWith("TriggerAttribute", StringComparison.Ordinal))
            .SelectMany(attribute => attribute.GetType().GetProperties().Where(p => p.PropertyType == typeof(string)).Select(p => p.GetValue(attribute) as string))
            .SelectMany(value => PercentSetting().Matches(value ?? "").Select(m => m.Groups[1].Value))
            .Distinct()
            .ToList();
    }

    private static IEnumerable<string> QuotedList(string bicep, string variable)
    {
        var start = bicep.IndexOf($"var {variable} = [", StringComparison.Ordinal);
        Assert.True(start >= 0, $"main.bicep has no var {variable}");
        var end = bicep.IndexOf(']', start);
        return QuotedName().Matches(bicep[start..end]).Select(m => m.Groups[1].Value);
    }

    [GeneratedRegex("%([^%]+)%")]
    private static partial Regex PercentSetting();

    [GeneratedRegex(@"keyVaultReference\([^,]+,\s*'(?<secret>[^']+)'\)")]
    private static partial Regex KeyVaultReference();

    [GeneratedRegex(@"(?<![\w_])AzureWebJobsStorage'?\s*:")]
    private static partial Regex PlainStorageConnectionString();

    [GeneratedRegex("'([^']+)'")]
    private static partial Regex QuotedName();
}
