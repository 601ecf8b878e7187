using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using Reminders.Core.Orders;
using Reminders.Core.Webhooks;

namespace Reminders.App.Webhooks;

/// <summary>Settings Webhooks__*: the senders' secrets and how long storing one event may take.</summary>
public sealed class WebhookOptions : IValidatableObject
{
    public const string Section = "Webhooks";

    public WebhookSourceOptions Orders { get; set; } = new();

    public WebhookSourceOptions Payments { get; set; } = new();

    /// <summary>
    /// Webhooks__StoreTimeout: how long storing one event may take before the sender is told 503 (it retries; replays
    /// are harmless). Below the 15 to 30 seconds senders wait for an answer, so a hanging storage account is a 503 the
    /// sender retries, not a timeout it cannot tell from a lost event.
    /// </summary>
    public TimeSpan StoreTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        // The parser's message names the setting and never repeats the secret.
        if (!StandardWebhook.TryParseSecrets(Orders.Secret, "Webhooks__Orders__Secret", out _, out var orders)) yield return new(orders);
        if (!StandardWebhook.TryParseSecrets(Payments.Secret, "Webhooks__Payments__Secret", out _, out var payments)) yield return new(payments);
        if (StoreTimeout <= TimeSpan.Zero) yield return new("must be a positive TimeSpan such as 00:00:10.", [nameof(StoreTimeout)]);
    }
}

/// <summary>Webhooks__{Orders,Payments}__Secret: <c>whsec_&lt;base64&gt;</c> secrets, several separated by spaces during rotation.</summary>
public sealed class WebhookSourceOptions
{
    public string? Secret { get; set; }
}

/// <summary>The secrets of Webhooks__Orders__Secret and Webhooks__Payments__Secret (checked at start-up by <see cref="WebhookOptions"/>).</summary>
public sealed class WebhookSecrets(IOptions<WebhookOptions> options)
{
    private readonly IReadOnlyList<WebhookSecret> _orders = StandardWebhook.ParseSecrets(options.Value.Orders.Secret, "Webhooks__Orders__Secret");
    private readonly IReadOnlyList<WebhookSecret> _payments = StandardWebhook.ParseSecrets(options.Value.Payments.Secret, "Webhooks__Payments__Secret");

    public IReadOnlyList<WebhookSecret> For(WebhookSource source) => source == WebhookSource.Orders ? _orders : _payments;
}
