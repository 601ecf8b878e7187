using System.Text.RegularExpressions;
using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Configuration;

namespace Reminders.App.Outcomes;

/// <summary>
/// Where reminder outcomes are published. The namespace is the <c>ServiceBus</c> section as Microsoft.Extensions.Azure
/// reads it: <c>ServiceBus</c> holding a connection string, or <c>ServiceBus__fullyQualifiedNamespace</c> with
/// DefaultAzureCredential (or <c>ServiceBus__credential=managedidentity</c> and <c>ServiceBus__clientId</c>).
/// Without either, nothing is published. <c>ServiceBus__Topic</c> names the topic.
/// </summary>
public sealed partial record OutcomeSettings(string Topic)
{
    public const string Section = "ServiceBus";
    public const string DefaultTopic = "reminder-outcomes";

    public static bool IsConfigured(IConfigurationSection section) =>
        !string.IsNullOrWhiteSpace(section.Value) || !string.IsNullOrWhiteSpace(section["fullyQualifiedNamespace"]);

    /// <exception cref="InvalidOperationException">A setting is malformed; the message names it.</exception>
    public static OutcomeSettings Read(IConfigurationSection section)
    {
        if (!string.IsNullOrWhiteSpace(section.Value))
        {
            try
            {
                ServiceBusConnectionStringProperties.Parse(section.Value);
            }
            catch (FormatException e)
            {
                throw new InvalidOperationException($"Setting {Section} is not a Service Bus connection string: {e.Message}", e);
            }
        }
        var topic = section["Topic"] is { Length: > 0 } name ? name.Trim() : DefaultTopic;
        if (!TopicName().IsMatch(topic))
        {
            throw new InvalidOperationException(
                $"Setting {Section}__Topic must be 1 to 260 letters, digits, '.', '-', '_' or '/', starting and ending with a letter or digit, not '{topic}'.");
        }
        return new OutcomeSettings(topic);
    }

    [GeneratedRegex("^[A-Za-z0-9](?:[A-Za-z0-9._/-]{0,258}[A-Za-z0-9])?$")]
    private static partial Regex TopicName();
}
